// PostgreSQL's own parser, as Debian's libpg-query-dev ships it
// (libpg_query, PostgreSQL 15 grammar). The Postgres plugin classifies
// statements from its parse tree, so that Warden reads SQL exactly as the
// server does.
#include <pg_query.h>

// malloc_trim: classifying a large statement allocates its parse tree
// several times over; glibc would otherwise keep the freed memory.
#include <malloc.h>
