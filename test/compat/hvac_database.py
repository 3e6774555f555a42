# Drives the database secrets engine with hvac (Debian's python3-hvac) for test/compat/hvac-database.test.ts:
# configure a MariaDB connection, create a role, generate credentials, read things back. Prints one JSON object.
import json
import sys

import hvac

addr, token, admin_user, admin_password, port, role = sys.argv[1:7]
client = hvac.Client(url=addr, token=token)
client.sys.enable_secrets_engine(backend_type="database", path="database")
db = client.secrets.database
out = {}
db.configure(
    name="maria",
    plugin_name="mysql-database-plugin",
    allowed_roles=[role],
    connection_url="{{username}}:{{password}}@tcp(127.0.0.1:%s)/" % port,
    username=admin_user,
    password=admin_password,
)
db.create_role(
    name=role,
    db_name="maria",
    creation_statements=["CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANT SELECT ON mysql.db TO '{{name}}'@'%';"],
    default_ttl="10m",
    max_ttl="1h",
)
creds = db.generate_credentials(name=role)
out["creds"] = {k: creds[k] for k in ("lease_id", "lease_duration", "renewable", "data")}
out["connection"] = db.read_connection(name="maria")["data"]
out["connections"] = db.list_connections()["data"]["keys"]
out["role"] = db.read_role(name=role)["data"]
out["roles"] = db.list_roles()["data"]["keys"]
db.reset_connection(name="maria")
renewed = client.sys.renew_lease(lease_id=creds["lease_id"], increment=1800)
out["renewed"] = renewed["lease_duration"]
print(json.dumps(out))
