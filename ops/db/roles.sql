-- The portal's two database roles (docs/deployment.md). Run it as a superuser, connected to the
-- portal's database, before the first `migrate`; run it again at any time: it is idempotent, and
-- it also brings a database that was migrated before the roles existed into line.
--
--   ops/db/setup-roles.sh postgres://SUPERUSER@HOST:5432/DATABASE
--   (passes FPS_OWNER_DB_PASSWORD and FPS_APP_DB_PASSWORD from the environment; or call psql with
--   -v owner_password=... -v app_password=... [-v owner_role=... -v app_role=...] -f roles.sql)
--
-- owner_role (fps_owner) owns the database, the public schema and every object in it, and is the
-- role `manage.py migrate` runs as. app_role (fps_app) is the role web, worker and beat run as: the
-- usual SELECT, INSERT, UPDATE and DELETE on every table, now and on tables later migrations create
-- (the owner's default privileges), but on the audit log only SELECT and INSERT. The app role owns
-- nothing, so it cannot ALTER, DROP or TRUNCATE a table or disable a trigger. Neither role is a
-- superuser or a member of any role: a superuser passes every privilege check and may set
-- session_replication_role = replica, which silences ordinary triggers.

\set ON_ERROR_STOP on
\if :{?owner_role}
\else
  \set owner_role fps_owner
\endif
\if :{?app_role}
\else
  \set app_role fps_app
\endif
\if :{?owner_password}
\else
  \set owner_password ''
\endif
\if :{?app_password}
\else
  \set app_password ''
\endif

-- psql does not interpolate its variables inside DO blocks; session settings carry the names in.
SELECT set_config('fps.owner_role', :'owner_role', false) AS fps_owner_role,
       set_config('fps.app_role', :'app_role', false) AS fps_app_role,
       :'owner_password' <> '' AS fps_set_owner_password,
       :'app_password' <> '' AS fps_set_app_password
\gset

BEGIN;
-- Roles belong to the whole server: two runs at once (two databases being set up) would change the
-- same pg_authid rows and one would fail with "tuple concurrently updated"; they take turns.
-- The lock conflicts only with itself, so logins and other role changes go on.
LOCK TABLE pg_catalog.pg_authid IN SHARE UPDATE EXCLUSIVE MODE;

DO $roles$
DECLARE
    owner_role CONSTANT text := current_setting('fps.owner_role');
    app_role CONSTANT text := current_setting('fps.app_role');
    role_name text;
    membership record;
    object record;
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'roles.sql creates roles and hands over ownership: run it as a superuser';
    END IF;
    IF owner_role = app_role THEN
        RAISE EXCEPTION 'the owner and the application need two different roles';
    END IF;

    FOREACH role_name IN ARRAY ARRAY[owner_role, app_role] LOOP
        BEGIN
            EXECUTE format('CREATE ROLE %I', role_name);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- it exists (or another session created it a moment ago)
        END;
        EXECUTE format(
            'ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS',
            role_name
        );
        -- Membership passes privileges on (and SET ROLE to a superuser makes one a superuser).
        FOR membership IN
            SELECT granted.rolname AS granted_role, member.rolname AS member_role
            FROM pg_auth_members AS m
            JOIN pg_roles AS granted ON granted.oid = m.roleid
            JOIN pg_roles AS member ON member.oid = m.member
            WHERE member.rolname = role_name
        LOOP
            EXECUTE format('REVOKE %I FROM %I', membership.granted_role, membership.member_role);
        END LOOP;
    END LOOP;

    -- The owner owns the database and its schema; nobody else may create objects in it.
    EXECUTE format('ALTER DATABASE %I OWNER TO %I', current_database(), owner_role);
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), app_role);
    EXECUTE format('ALTER SCHEMA public OWNER TO %I', owner_role);
    REVOKE ALL ON SCHEMA public FROM PUBLIC;
    EXECUTE format('REVOKE CREATE ON SCHEMA public FROM %I', app_role);
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app_role);

    -- Objects a migration made before these roles existed (as another user) go to the owner.
    -- Sequences of identity columns move with their table; extensions keep their own objects.
    FOR object IN
        SELECT c.oid::regclass::text AS name, c.relkind
        FROM pg_class AS c
        JOIN pg_namespace AS n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public'
          AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND pg_get_userbyid(c.relowner) <> owner_role
          AND NOT EXISTS (
              SELECT FROM pg_depend AS d
              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'i', 'a')
          )
        ORDER BY c.relkind DESC  -- tables ('r') before sequences ('S')
    LOOP
        EXECUTE format(
            'ALTER %s %s OWNER TO %I',
            CASE object.relkind
                WHEN 'v' THEN 'VIEW'
                WHEN 'm' THEN 'MATERIALIZED VIEW'
                WHEN 'S' THEN 'SEQUENCE'
                ELSE 'TABLE'
            END,
            object.name,
            owner_role
        );
    END LOOP;
    FOR object IN
        SELECT p.oid::regprocedure::text AS name
        FROM pg_proc AS p
        JOIN pg_namespace AS n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public'
          AND pg_get_userbyid(p.proowner) <> owner_role
          AND NOT EXISTS (
              SELECT FROM pg_depend AS d
              WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
          )
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO %I', object.name, owner_role);
    END LOOP;

    -- The application: the usual DML on what exists and on whatever the owner creates later.
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', app_role);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', app_role);
    EXECUTE format(
        'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public '
        'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', owner_role, app_role
    );
    EXECUTE format(
        'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public '
        'GRANT USAGE, SELECT ON SEQUENCES TO %I', owner_role, app_role
    );

    -- The audit log: read and append, nothing else (migration audit/0003 does the same when it
    -- runs, since the default privileges above gave UPDATE and DELETE when audit/0001 made it).
    IF to_regclass('public.audit_auditevent') IS NOT NULL THEN
        REVOKE ALL ON audit_auditevent FROM PUBLIC;
        EXECUTE format('REVOKE ALL ON audit_auditevent FROM %I', app_role);
        EXECUTE format('GRANT SELECT, INSERT ON audit_auditevent TO %I', app_role);
    END IF;
END
$roles$;

\if :fps_set_owner_password
ALTER ROLE :"owner_role" PASSWORD :'owner_password';
\endif
\if :fps_set_app_password
ALTER ROLE :"app_role" PASSWORD :'app_password';
\endif

COMMIT;
