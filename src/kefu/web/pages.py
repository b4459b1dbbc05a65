"""Server-rendered pages: the demo site with the widget, the widget itself, and the agent console."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from kefu import __version__
from kefu.branding import settings as branding
from kefu.texts import Phrase, TextBook
from kefu.web.deps import SESSION_COOKIE

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
LOCALES = ("zh-CN", "en")


def page_locale(request: Request) -> str:
    """``?lang=`` wins, then the ``kefu_lang`` cookie, then Chinese."""
    lang = request.query_params.get("lang") or request.cookies.get("kefu_lang") or "zh-CN"
    return lang if lang in LOCALES else "zh-CN"


def _render(request: Request, name: str, **extra: object) -> HTMLResponse:
    context = {"locale": page_locale(request), "version": __version__, **extra}
    response = templates.TemplateResponse(request, name, context)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@router.get("/")
async def home() -> Response:
    """The demo page is the front door of a fresh installation."""
    return RedirectResponse("/chat")


@router.get("/chat")
async def demo_site(request: Request) -> HTMLResponse:
    """A company's web page with kefu embedded by one ``<script>`` tag."""
    return _render(request, "demo_site.html")


@router.get("/widget")
async def widget(request: Request) -> HTMLResponse:
    """The chat itself, loaded by the embed script in an iframe (or opened full-page on a phone)."""
    texts: TextBook = request.app.state.ctx.texts
    locale = page_locale(request)
    group = request.query_params.get("group", "")
    group_id = int(group) if group.isdigit() else None  # the page's skill group may have its own welcome
    welcome = texts.say(Phrase("chat.welcome"), locale, "web", group_id)
    menu = request.app.state.flows.library.menu(locale)  # the self-service journeys, as buttons
    brand = await branding.current(request.app.state.ctx)  # the organisation's name, colour and logo
    response = _render(request, "widget.html", welcome=welcome, menu=menu, brand=brand)
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; connect-src 'self' ws: wss:"
    )
    return response


@router.get("/console/login")
async def console_login(request: Request) -> HTMLResponse:
    """The agents' sign-in page."""
    response = _render(request, "login.html")
    response.headers["X-Frame-Options"] = "DENY"
    return response


def _console_page(request: Request, name: str) -> Response:
    """A signed-in page of the console (the page itself checks the session and role via the API)."""
    if not request.cookies.get(SESSION_COOKIE):
        return RedirectResponse("/console/login")
    response = _render(request, name)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; connect-src 'self' ws: wss:"
    )
    return response


@router.get("/console")
async def console(request: Request) -> Response:
    """The agent console (signed-in users only; the page checks the session via the API)."""
    return _console_page(request, "console.html")


@router.get("/console/kb")
async def knowledge_base(request: Request) -> Response:
    """The knowledge-base admin page (admins and supervisors edit, agents may look)."""
    return _console_page(request, "kb.html")


@router.get("/console/messages")
async def leave_messages(request: Request) -> Response:
    """Messages customers left (留言): take, assign and answer them."""
    return _console_page(request, "messages.html")


@router.get("/console/supervisor")
async def supervisor_view(request: Request) -> Response:
    """The supervisor view: queues with waiting times, agents with presence and load, reassigning."""
    return _console_page(request, "supervisor.html")


@router.get("/console/settings")
async def bot_settings_page(request: Request) -> Response:
    """The bot's thresholds and hand-over triggers (admins change them, supervisors look)."""
    return _console_page(request, "settings.html")


@router.get("/console/texts")
async def texts_page(request: Request) -> Response:
    """The organisation's texts: the catalogue's wording and the admins' own, per locale."""
    return _console_page(request, "texts.html")


@router.get("/console/canned")
async def canned_page(request: Request) -> Response:
    """The 话术库: canned replies by folder and scope, import/export, and the groups' own greetings."""
    return _console_page(request, "canned.html")


@router.get("/console/integrations")
async def integrations_page(request: Request) -> Response:
    """The actions of the company's backend (admins change and test them, supervisors look)."""
    return _console_page(request, "integrations.html")


@router.get("/console/flows")
async def flows_page(request: Request) -> Response:
    """Guided self-service flows: steps, the editor, versions and test runs (admins change them)."""
    return _console_page(request, "flows.html")


@router.get("/console/widget")
async def widget_page(request: Request) -> Response:
    """The widget's branding with a live preview (admins change it, supervisors look)."""
    return _console_page(request, "widget_settings.html")


@router.get("/console/groups")
async def groups_page(request: Request) -> Response:
    """Skill groups: names, routing settings and business hours (admins change them, supervisors look)."""
    return _console_page(request, "groups.html")


@router.get("/console/users")
async def users_page(request: Request) -> Response:
    """Console users: add, change role and groups, reset passwords, deactivate (admins; supervisors look)."""
    return _console_page(request, "users.html")


@router.get("/console/tickets")
async def tickets_page(request: Request) -> Response:
    """Tickets (工单): the agents' views, one ticket's timeline, replies, notes and status changes."""
    return _console_page(request, "tickets.html")
