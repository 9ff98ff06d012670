"""All routers of the service."""

from fastapi import APIRouter

from app.api.routes import admin, auth, health, mfa, sign_in_challenges, users

api_router = APIRouter()
api_router.include_router(users.router)
api_router.include_router(sign_in_challenges.router)
api_router.include_router(mfa.router)
api_router.include_router(health.router)
api_router.include_router(admin.router)
api_router.include_router(auth.router)
