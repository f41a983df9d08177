// Package deploy holds the tests of portal in its production shape, as
// docs/DEPLOY.md tells an operator to set it up; it has no code of its own.
//
// Contract: TestReplicasBehindNginx builds the portal binary, copies the
// shipped site twice (one folder per replica, as on two machines), starts
// two `portal serve -production` replicas on one PostgreSQL store (a fresh
// schema in PORTAL_TEST_POSTGRES_DSN) and Debian's nginx in front of them on
// loopback with TLS, configured by docs/deploy/nginx-replicas.conf itself
// (only ports, certificate and log paths are replaced). Clients connect from
// distinct loopback addresses (127.0.0.x), so nginx sees distinct real
// clients. The test skips only when nginx or PostgreSQL is missing (and
// with -short); CI installs both (.ci/run, .ci/postgres.sh).
package deploy
