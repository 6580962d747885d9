"""Two PostgreSQL roles, so that the database itself keeps the audit log append-only
(docs/adr/0003-database-roles-and-the-audit-log.md).

- The **owner** (e.g. `kaa_owner`, `DATABASE_MIGRATE_URL`) owns the database, the tables and
  the functions; migrations and `manage.py db_roles` run as it. No web server or worker ever
  holds its password.
- The **application's role** (e.g. `kaa_app`, `DATABASE_URL`) reads and writes the tables,
  but on `kaa_auditevent` (and the log reviews' findings) it may only SELECT and INSERT: no
  UPDATE, DELETE or TRUNCATE, and as it owns nothing it cannot ALTER the table, disable or
  drop the trigger, or replace the trigger's function. Gallring of the log goes through
  `kaa_audit_purge`, which it may call.

`roles_apply` is idempotent: run it after every `migrate`.
"""

from __future__ import annotations

from typing import Any

from kaa.audit import PURGE_FUNCTION_SIGNATURE

AUDIT_TABLE = "kaa_auditevent"
# Tables the application's role may only read and add to: the audit log, and the findings of
# the log reviews.
APPEND_ONLY_TABLES = (AUDIT_TABLE, "kaa_auditsamplefinding")
# What the application's role may do on every other table, and on the sequences.
TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_PRIVILEGES = "USAGE, SELECT"
# On the append-only tables, exactly this.
AUDIT_PRIVILEGES = "SELECT, INSERT"
FORBIDDEN_ON_AUDIT = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES")


class RolesError(Exception):
    """The roles cannot be set up as asked; the message says what to do."""


def _q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _one(cursor: Any, sql: str, params: list[Any] | None = None) -> Any:
    cursor.execute(sql, params or [])
    row = cursor.fetchone()
    return row[0] if row else None


def _attempt(cursor: Any, sql: str) -> Exception | None:
    """Run `sql` in a savepoint: None if it worked, else the error (the transaction goes on).
    The caller is inside a transaction (transaction.atomic)."""
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic():
            cursor.execute(sql)
    except DatabaseError as exc:
        return exc
    return None


ROLE_LIMITS = "NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS"


def role_ensure(cursor: Any, role: str, password: str | None = None) -> list[str]:
    """Create the application's role if missing (LOGIN with `password`, NOLOGIN without); set
    its password if one is given. It never has SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or
    BYPASSRLS. Changing a role needs CREATEROLE (or a superuser)."""
    cursor.execute(
        "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication "
        "OR rolbypassrls FROM pg_roles WHERE rolname = %s",
        [role],
    )
    row = cursor.fetchone()
    login = (
        "LOGIN PASSWORD " + _one(cursor, "SELECT quote_literal(%s)", [password])
        if password
        else "NOLOGIN"
    )
    if row is None:
        error = _attempt(cursor, f"CREATE ROLE {_q(role)} {login}")
        if error is None:
            return [f"created the role {role}"]
        # Another process may have made it meanwhile (parallel test databases): then fine.
        if _one(cursor, "SELECT 1 FROM pg_roles WHERE rolname = %s", [role]) is None:
            raise RolesError(
                f"Cannot create the role {role} ({error}). Ask the database "
                f"administrator to run: CREATE ROLE {_q(role)} LOGIN PASSWORD "
                "'...';"
            )
        return []
    powerful = row[0]
    if not (powerful or password):
        return []
    # Only a superuser may name SUPERUSER at all, even to take it away: leave the limits out
    # for a role that has none of them.
    attributes = " ".join(([ROLE_LIMITS] if powerful else []) + ([login] if password else []))
    error = _attempt(cursor, f"ALTER ROLE {_q(role)} {attributes}")
    if error is not None and powerful:
        raise RolesError(
            f"The role {role} has more than a login's attributes and this "
            f"connection cannot take them away ({error}). Ask the database "
            f"administrator to run: ALTER ROLE {_q(role)} {ROLE_LIMITS};"
        )
    if error is not None:
        return [f"could not set the password of {role} ({error}); it is left as it was"]
    changed = " and ".join(
        (["the attributes"] if powerful else []) + (["the password"] if password else [])
    )
    return [f"set {changed} of {role}"]


def roles_apply(cursor: Any, *, app_role: str, password: str | None = None) -> list[str]:
    """Make `app_role` the application's least-privileged role in the current database. The
    connection is the owner's (the role that ran the migrations) or a superuser's. Returns
    what was done; raises RolesError when it cannot be done from this connection."""
    owner = _one(cursor, "SELECT current_user")
    if owner == app_role:
        raise RolesError(
            f"The application's role ({app_role}) is the role this command connects as: set "
            "DATABASE_MIGRATE_URL to the owner's role and DATABASE_URL to the application's."
        )
    schema = _one(cursor, "SELECT current_schema()")
    database = _one(cursor, "SELECT current_database()")
    superuser = _one(cursor, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    audit_owner = _one(
        cursor,
        "SELECT pg_get_userbyid(c.relowner) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relname = %s AND n.nspname = %s",
        [AUDIT_TABLE, schema],
    )
    if audit_owner is None:
        raise RolesError("The tables do not exist yet: run `manage.py migrate` first.")
    done = role_ensure(cursor, app_role, password)
    if _one(cursor, "SELECT pg_has_role(%s, %s, 'MEMBER')", [app_role, owner]):
        raise RolesError(
            f"The role {app_role} is a member of {owner}: REVOKE {_q(owner)} FROM {_q(app_role)};"
        )
    # An installation that ran with one role: what the application's role owns (the tables,
    # perhaps the database itself) passes to the owner.
    owns = _one(
        cursor,
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n "
        "ON n.oid = c.relnamespace WHERE n.nspname = %s "
        "AND pg_get_userbyid(c.relowner) = %s",
        [schema, app_role],
    )
    owns_database = _one(
        cursor,
        "SELECT pg_get_userbyid(datdba) = %s FROM pg_database WHERE datname = current_database()",
        [app_role],
    )
    if owns or owns_database:
        error = _attempt(cursor, f"REASSIGN OWNED BY {_q(app_role)} TO {_q(owner)}")
        if error is not None:
            raise RolesError(
                f"The role {app_role} owns tables or the database. As a superuser, run: "
                f"REASSIGN OWNED BY {_q(app_role)} TO {_q(owner)}; ({error})"
            )
        done.append(f"gave what {app_role} owned to {owner}")
        audit_owner = owner
    if audit_owner != owner and not superuser:
        raise RolesError(
            f"The tables belong to {audit_owner}, not to {owner}: connect as "
            "their owner (DATABASE_MIGRATE_URL)."
        )
    app, sch = _q(app_role), _q(schema)
    for sql in (
        f"GRANT CONNECT ON DATABASE {_q(database)} TO {app}",
        f"GRANT USAGE ON SCHEMA {sch} TO {app}",
        f"REVOKE CREATE ON SCHEMA {sch} FROM {app}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {sch} FROM {app}",
        f"GRANT {TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {sch} TO {app}",
        *(f"REVOKE ALL ON {sch}.{table} FROM {app}" for table in APPEND_ONLY_TABLES),
        *(f"GRANT {AUDIT_PRIVILEGES} ON {sch}.{table} TO {app}" for table in APPEND_ONLY_TABLES),
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {sch} FROM {app}",
        f"GRANT {SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA {sch} TO {app}",
        f"GRANT EXECUTE ON FUNCTION {sch}.{PURGE_FUNCTION_SIGNATURE} TO {app}",
        # Tables and sequences that later migrations create (as the owner).
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {_q(owner)} IN SCHEMA {sch} "
        f"GRANT {TABLE_PRIVILEGES} ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {_q(owner)} IN SCHEMA {sch} "
        f"GRANT {SEQUENCE_PRIVILEGES} ON SEQUENCES TO {app}",
    ):
        cursor.execute(sql)
    done.append(
        f"granted {app_role} {TABLE_PRIVILEGES} on the tables and only "
        f"{AUDIT_PRIVILEGES} on {', '.join(APPEND_ONLY_TABLES)}"
    )
    problems = roles_check(cursor, app_role=app_role)
    if problems:
        raise RolesError("; ".join(problems))
    return done


def roles_check(cursor: Any, *, app_role: str) -> list[str]:
    """What is wrong with `app_role` as the application's role (empty: nothing). Any
    connection to the database can ask, the application's own included."""
    schema = _one(cursor, "SELECT current_schema()")
    table = f"{_q(schema)}.{AUDIT_TABLE}"
    cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [app_role])
    row = cursor.fetchone()
    if row is None:
        return [f"the role {app_role} does not exist"]
    problems = [
        problem
        for problem, present in (
            (f"{app_role} is a superuser", row[0]),
            (f"{app_role} bypasses row security", row[1]),
        )
        if present
    ]
    owner = _one(
        cursor,
        "SELECT c.relowner::regrole::text FROM pg_class c WHERE c.oid = %s::regclass",
        [table],
    )
    if _one(
        cursor,
        "SELECT pg_has_role(%s, c.relowner, 'MEMBER') FROM pg_class c WHERE c.oid = %s::regclass",
        [app_role, table],
    ):
        problems.append(f"{app_role} owns {AUDIT_TABLE} (or is a member of its owner {owner})")
    if _one(
        cursor,
        "SELECT pg_get_userbyid(datdba) = %s FROM pg_database WHERE datname = current_database()",
        [app_role],
    ):
        problems.append(f"{app_role} owns the database")

    def has(name: str, privilege: str) -> bool:
        return _one(
            cursor,
            "SELECT has_table_privilege(%s, %s, %s)",
            [app_role, f"{_q(schema)}.{name}", privilege],
        )

    for name in APPEND_ONLY_TABLES:
        problems += [f"{app_role} has {p} on {name}" for p in FORBIDDEN_ON_AUDIT if has(name, p)]
        problems += [
            f"{app_role} lacks {p} on {name}" for p in ("SELECT", "INSERT") if not has(name, p)
        ]
    if not _one(
        cursor,
        "SELECT has_function_privilege(%s, %s, 'EXECUTE')",
        [app_role, f"{_q(schema)}.{PURGE_FUNCTION_SIGNATURE}"],
    ):
        problems.append(f"{app_role} may not run the audit log's gallring function")
    return problems
