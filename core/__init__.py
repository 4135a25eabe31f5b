# The project package. It imports nothing on purpose: importing it (`python -m core.local_services`)
# must not configure Django or Celery. `celery -A core` finds the app in `core.celery` by itself, and
# every task module imports it from there.
