// libsodium (Debian libsodium-dev): Ed25519 group operations for MariaDB's
// ed25519 sign-in, whose key is derived from a password of any length.
#include <sodium.h>
