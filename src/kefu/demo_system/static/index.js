// Landing page: the 恢复示例数据 button (POST /api/reset, accepted from this machine only).
"use strict";

document.getElementById("reset").addEventListener("click", async () => {
  if (!confirm("恢复示例数据？所有改动和发件箱都会清空。")) return;
  const response = await fetch("/api/reset", { method: "POST" });
  if (response.ok) {
    location.reload();
  } else {
    showToast(response.status === 403 ? "只能在运行演示的这台电脑上重置" : "重置失败（" + response.status + "）");
  }
});
