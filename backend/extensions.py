"""Flask extensions without an app (bound in create_app)."""

from flask_migrate import Migrate

migrate = Migrate()
