"""The composition root: the only module that imports every part and wires them together."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import msgspec
from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from grants import __version__
from grants.common.deps import provide_principal, provide_settings
from grants.common.requests import GuardedRequest
from grants.db.engine import create_engine
from grants.db.middleware import ReadOnlyTransactionsMiddleware
from grants.document_store import build_document_store
from grants.errors import EXCEPTION_HANDLERS
from grants.logging import RequestIdMiddleware, configure_logging
from grants.openapi import (
    API_DESCRIPTION,
    COMPONENTS,
    InputModelsSchemaPlugin,
    OpenAPIContract,
)
from grants.routes import ROUTES
from grants.security.guards import csrf_protect
from grants.security.headers import security_headers
from grants.security.middleware import AuthenticationMiddleware
from grants.security.slow_bodies import BodyDeadlineMiddleware
from grants.settings import Settings, get_settings
from grants.web.i18n import configure_templates
from storage.base import DocumentStore

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = TEMPLATES_DIR / "static"


class ScalarWithoutInlineScript(ScalarRenderPlugin):
    """Litestar's Scalar page, its options in a `data-configuration` attribute rather than an
    inline script, so the page runs under a policy allowing this origin's scripts only."""

    def render_options(self) -> str:
        return ""

    def render(self, request: Any, openapi_schema: dict[str, Any]) -> bytes:
        page = super().render(request, openapi_schema).decode()
        options = html.escape(msgspec.json.encode(self.options).decode(), quote=True)
        tag = 'id="api-reference"'
        # A data block, not a script: the browser runs nothing in it (Scalar reads its data-*).
        carrier = f'type="application/json" {tag} data-configuration="{options}"'
        return page.replace(tag, carrier, 1).encode()


# The API reference page works offline: its renderer is vendored (see static/vendor/README.md).
SCALAR = ScalarWithoutInlineScript(
    js_url="/static/vendor/scalar/api-reference-1.76.0.js",
    css_url="/static/openapi.css",
    favicon="",
    options={"withDefaultFonts": False},
)


def create_app(
    settings: Settings | None = None,
    *,
    engine: AsyncEngine | None = None,
    session_maker: Any = None,
    document_store: DocumentStore | None = None,
) -> Litestar:
    """Build the application; tests pass their own settings, engine, session maker and store."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    db_config = SQLAlchemyAsyncConfig(
        engine_instance=engine or create_engine(settings.database_url, echo=settings.database_echo),
        session_maker=session_maker,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        before_send_handler="autocommit_include_redirects",
        session_dependency_key="db_session",
        engine_dependency_key="db_engine",
    )
    store = document_store or build_document_store(settings)
    return Litestar(
        route_handlers=[
            *ROUTES,
            create_static_files_router(path="/static", directories=[STATIC_DIR], name="static"),
        ],
        plugins=[SQLAlchemyPlugin(config=db_config), OpenAPIContract(), InputModelsSchemaPlugin()],
        middleware=[
            RequestIdMiddleware,
            DefineMiddleware(BodyDeadlineMiddleware, settings=settings),
            ReadOnlyTransactionsMiddleware,  # before any session of the request begins
            DefineMiddleware(AuthenticationMiddleware, db_config=db_config),
        ],
        dependencies={
            "settings": Provide(provide_settings, sync_to_thread=False),
            "principal": Provide(provide_principal, sync_to_thread=False),
        },
        guards=[csrf_protect],
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[security_headers(settings)],
        openapi_config=OpenAPIConfig(
            title="CoFund API",
            version=__version__,
            path="/schema",
            description=API_DESCRIPTION,
            components=COMPONENTS,
            render_plugins=[SCALAR],
        ),
        template_config=TemplateConfig(
            directory=TEMPLATES_DIR,
            engine=JinjaTemplateEngine,
            engine_callback=configure_templates,
        ),
        request_max_body_size=settings.max_request_body_bytes,
        request_class=GuardedRequest,
        state=State({"settings": settings, "document_store": store}),
        signature_namespace={
            "AsyncSession": AsyncSession,
            "AsyncEngine": AsyncEngine,
            "Settings": Settings,
        },
        debug=False,
    )
