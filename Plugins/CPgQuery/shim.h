// PostgreSQL's own parser, as Debian's libpg-query-dev ships it
// (libpg_query, PostgreSQL 15 grammar). The Postgres plugin classifies
// statements from its parse tree, so that Warden reads SQL exactly as the
// server does.
#include <pg_query.h>
