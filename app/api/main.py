"""All routers of the service."""

from fastapi import APIRouter

from app.api.routes import admin, auth, health, users

api_router = APIRouter()
api_router.include_router(users.router)
api_router.include_router(health.router)
api_router.include_router(admin.router)
api_router.include_router(auth.router)
