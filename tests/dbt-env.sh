# Sourced by every script that runs real dbt to make fixtures: quiet, reproducible runs
# that read only the project's own profiles.yml and no dbt settings of this machine.
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export DBT_VERSION_CHECK=false
export DBT_USE_COLORS=false
export DBT_PARTIAL_PARSE=false
export DBT_PRINTER_WIDTH=100
unset DBT_PROFILES_DIR DBT_PROJECT_DIR DBT_TARGET_PATH DBT_LOG_PATH DBT_LOOM_CONFIG
