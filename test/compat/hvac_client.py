# Third-party compatibility driver: exercises a running Coffer server with hvac 0.11 (Debian's
# python3-hvac, the Python Vault client) and prints one JSON object of results for
# test/compat/hvac.test.ts to assert on. Run with Debian's interpreter:
#
#   /usr/bin/python3 test/compat/hvac_client.py ADDR ROOT_TOKEN
#
# ADDR and ROOT_TOKEN fall back to VAULT_ADDR / VAULT_TOKEN. Optional inputs (env):
#   COFFER_UNSEAL_KEY        the dev server's unseal key: enables the seal/unseal section (run last)
#   KUBE_HOST, KUBE_CA_CERT  the (fake) kube-apiserver URL and CA PEM: enable the Kubernetes section,
#   KUBE_REVIEWER_JWT        with a token reviewer JWT and service-account JWTs for app-namespace/my-sa
#   KUBE_APP_JWT             (bound by the role) and app-namespace/intruder (not bound)
#   KUBE_INTRUDER_JWT
#   KUBE_OTHER_CA            a CA that did not sign the API server (a login through it must be Forbidden)
#
# Unexpected failures propagate (traceback, non-zero exit). Where an error *is* the expected outcome,
# only hvac.exceptions.VaultError is caught and its class name, errors and message are recorded.

import importlib.metadata
import json
import os
import sys
import warnings

import hvac
import requests

# The legacy Client methods (create_token, auth_kubernetes, ...) are tested on purpose; hvac forces
# their DeprecationWarnings on ("always"), so drop just those when shown.
_show_warning = warnings.showwarning


def _show_non_deprecation(message, category, *args, **kwargs):
    if not issubclass(category, DeprecationWarning):
        _show_warning(message, category, *args, **kwargs)


warnings.showwarning = _show_non_deprecation

ADDR = sys.argv[1] if len(sys.argv) > 1 else os.environ["VAULT_ADDR"]
ROOT = sys.argv[2] if len(sys.argv) > 2 else os.environ["VAULT_TOKEN"]

KV1 = "hvac-kv1"
KV2 = "hvac-kv2"
KUBE_MOUNT = "kube-policy"


def client(token=""):
    # "" rather than None: with None hvac falls back to $VAULT_TOKEN or ~/.vault-token.
    return hvac.Client(url=ADDR, token=token)


def error_of(fn):
    """Runs fn expecting a Vault error; returns its class name, errors and message (class None if none)."""
    try:
        result = fn()
    except hvac.exceptions.VaultError as e:
        return {"class": type(e).__name__, "errors": e.errors, "message": e.args[0] if e.args else None}
    return {"class": None, "result": status_of(result)}


def status_of(r):
    """hvac's JSONAdapter returns a dict for a 200 with a body, else the requests.Response."""
    if isinstance(r, requests.Response):
        return r.status_code
    return r


class Wire:
    """Records the HTTP method and path of each request a client sends (via a requests hook)."""

    def __init__(self, c):
        self.calls = []
        c.session.hooks["response"].append(self._hook)

    def _hook(self, r, *args, **kwargs):
        self.calls.append("{} {} {}".format(r.request.method, r.request.path_url, r.status_code))

    def take(self):
        out, self.calls = self.calls, []
        return out


root = client(ROOT)
wire = Wire(root)
out = {"hvac_version": importlib.metadata.version("hvac")}

# ---- sys ---------------------------------------------------------------------------------------
s = {}
s["is_initialized"] = root.sys.is_initialized()
s["read_init_status"] = root.sys.read_init_status()
s["seal_status"] = root.seal_status  # a property in hvac 0.11
st = root.sys.read_seal_status()
s["read_seal_status"] = {k: st[k] for k in ("type", "initialized", "sealed", "t", "n", "progress")}
s["is_sealed"] = root.sys.is_sealed()
s["health_head"] = status_of(root.sys.read_health_status())  # HEAD: a bare Response
h = root.sys.read_health_status(method="GET")
s["health_get"] = {k: h[k] for k in ("initialized", "sealed", "standby")}

s["enable_kv1"] = status_of(root.sys.enable_secrets_engine("kv", path=KV1, description="hvac kv v1", options={"version": "1"}))
s["enable_kv2"] = status_of(root.sys.enable_secrets_engine("kv-v2", path=KV2, description="hvac kv v2"))
s["enable_kv2_again"] = error_of(lambda: root.sys.enable_secrets_engine("kv-v2", path=KV2))
s["enable_scratch"] = status_of(root.sys.enable_secrets_engine("kv", path="hvac-scratch"))
mounts = root.sys.list_mounted_secrets_engines()
s["mounts"] = {
    p: {k: mounts["data"][p][k] for k in ("type", "description", "options")}
    for p in (KV1 + "/", KV2 + "/", "secret/")
}
s["scratch_type"] = mounts["data"]["hvac-scratch/"]["type"]
s["mounts_top_level_too"] = sorted(p for p in (KV1 + "/", KV2 + "/") if p in mounts)
s["retrieve_mount_option_version"] = root.sys.retrieve_mount_option(KV2, "version")
s["disable_scratch"] = status_of(root.sys.disable_secrets_engine("hvac-scratch"))
s["scratch_after_disable"] = "hvac-scratch/" in root.sys.list_mounted_secrets_engines()["data"]
s["tune_kv2"] = status_of(root.sys.tune_mount_configuration(KV2, default_lease_ttl="1h", max_lease_ttl="2h"))
tuned = root.sys.read_mount_configuration(KV2)["data"]
s["read_mount_configuration"] = {k: tuned[k] for k in ("default_lease_ttl", "max_lease_ttl")}

s["auth_methods_before"] = sorted(root.sys.list_auth_methods()["data"].keys())
s["enable_auth_method"] = status_of(root.sys.enable_auth_method("kubernetes", path=KUBE_MOUNT, description="hvac kubernetes"))
s["enable_auth_method_again"] = error_of(lambda: root.sys.enable_auth_method("kubernetes", path=KUBE_MOUNT))
auths = root.sys.list_auth_methods()["data"]
s["auth_methods_after"] = sorted(auths.keys())
s["kube_auth_method"] = {k: auths[KUBE_MOUNT + "/"][k] for k in ("type", "description")}
out["sys"] = s

# ---- KV v2 (hvac.secrets.kv.v2) ----------------------------------------------------------------
kv2 = root.secrets.kv.v2
k = {}
k["configure"] = status_of(kv2.configure(max_versions=20, cas_required=False, mount_point=KV2))
cfg = kv2.read_configuration(mount_point=KV2)["data"]
k["read_configuration"] = {n: cfg[n] for n in ("max_versions", "cas_required", "delete_version_after")}
w1 = kv2.create_or_update_secret("app/config", {"user": "alice", "password": "s3cret"}, mount_point=KV2)
k["write_1"] = {n: w1["data"][n] for n in ("version", "destroyed", "deletion_time")}
w2 = kv2.create_or_update_secret("app/config", {"user": "alice", "password": "n3w"}, cas=1, mount_point=KV2)
k["write_cas_1"] = w2["data"]["version"]
k["write_cas_stale"] = error_of(lambda: kv2.create_or_update_secret("app/config", {"user": "x"}, cas=1, mount_point=KV2))
k["write_cas_0_existing"] = error_of(lambda: kv2.create_or_update_secret("app/config", {"user": "x"}, cas=0, mount_point=KV2))
k["write_cas_0_new"] = kv2.create_or_update_secret("app/new", {"fresh": "yes"}, cas=0, mount_point=KV2)["data"]["version"]
latest = kv2.read_secret_version("app/config", mount_point=KV2)["data"]
k["read_latest"] = {"data": latest["data"], "version": latest["metadata"]["version"]}
v1 = kv2.read_secret_version("app/config", version=1, mount_point=KV2)["data"]
k["read_version_1"] = {"data": v1["data"], "version": v1["metadata"]["version"]}
k["patch"] = kv2.patch("app/config", {"password": "rotated", "port": "5432"}, mount_point=KV2)["data"]["version"]
patched = kv2.read_secret_version("app/config", mount_point=KV2)["data"]
k["read_after_patch"] = {"data": patched["data"], "version": patched["metadata"]["version"]}
k["patch_missing"] = error_of(lambda: kv2.patch("app/absent", {"a": "b"}, mount_point=KV2))
wire.take()
k["list_app"] = kv2.list_secrets("app", mount_point=KV2)["data"]["keys"]
k["list_root"] = kv2.list_secrets("", mount_point=KV2)["data"]["keys"]
k["list_wire"] = wire.take()
k["list_missing"] = error_of(lambda: kv2.list_secrets("nothing-here", mount_point=KV2))
# The generic client.list sends GET ...?list=True (Python's str(True)); Vault parses it with
# strconv.ParseBool, and a path without a trailing slash lists the folder.
wire.take()
k["generic_list"] = root.list(KV2 + "/metadata/app")["data"]["keys"]
k["generic_list_slash"] = root.list(KV2 + "/metadata/app/")["data"]["keys"]
k["generic_list_missing"] = root.list(KV2 + "/metadata/nothing-here")  # hvac maps the 404 to None
k["generic_list_wire"] = wire.take()
meta = kv2.read_secret_metadata("app/config", mount_point=KV2)["data"]
k["metadata"] = {n: meta[n] for n in ("current_version", "oldest_version", "max_versions", "cas_required", "custom_metadata", "delete_version_after")}
k["metadata"]["versions"] = sorted(meta["versions"].keys())
k["update_metadata"] = status_of(kv2.update_metadata("app/config", max_versions=5, cas_required=False, mount_point=KV2))
# hvac 0.11's update_metadata has no custom_metadata parameter (later hvac releases add one); the
# generic client.write reaches the same endpoint, as an hvac 0.11 user would have to.
k["custom_metadata_write"] = status_of(root.write(KV2 + "/metadata/app/config", custom_metadata={"owner": "platform", "tier": "1"}))
meta = kv2.read_secret_metadata("app/config", mount_point=KV2)["data"]
k["metadata_updated"] = {n: meta[n] for n in ("max_versions", "cas_required", "custom_metadata", "current_version")}
k["delete_latest"] = status_of(kv2.delete_latest_version_of_secret("app/config", mount_point=KV2))
k["read_deleted_latest"] = error_of(lambda: kv2.read_secret_version("app/config", mount_point=KV2))
meta = kv2.read_secret_metadata("app/config", mount_point=KV2)["data"]
k["deleted_version_3_has_deletion_time"] = meta["versions"]["3"]["deletion_time"] != ""
k["undelete"] = status_of(kv2.undelete_secret_versions("app/config", versions=[3], mount_point=KV2))
back = kv2.read_secret_version("app/config", mount_point=KV2)["data"]
k["read_after_undelete"] = {"data": back["data"], "version": back["metadata"]["version"], "deletion_time": back["metadata"]["deletion_time"]}
k["delete_version_2"] = status_of(kv2.delete_secret_versions("app/config", versions=[2], mount_point=KV2))
k["read_deleted_version_2"] = error_of(lambda: kv2.read_secret_version("app/config", version=2, mount_point=KV2))
k["destroy_version_1"] = status_of(kv2.destroy_secret_versions("app/config", versions=[1], mount_point=KV2))
k["read_destroyed_version_1"] = error_of(lambda: kv2.read_secret_version("app/config", version=1, mount_point=KV2))
meta = kv2.read_secret_metadata("app/config", mount_point=KV2)["data"]
k["versions_after"] = {
    n: {"destroyed": v["destroyed"], "deleted": v["deletion_time"] != ""} for n, v in sorted(meta["versions"].items())
}
k["delete_metadata_and_all_versions"] = status_of(kv2.delete_metadata_and_all_versions("app/config", mount_point=KV2))
k["read_after_delete_all"] = error_of(lambda: kv2.read_secret_version("app/config", mount_point=KV2))
k["metadata_after_delete_all"] = error_of(lambda: kv2.read_secret_metadata("app/config", mount_point=KV2))
k["list_app_after_delete_all"] = kv2.list_secrets("app", mount_point=KV2)["data"]["keys"]
k["read_missing"] = error_of(lambda: kv2.read_secret_version("does/not/exist", mount_point=KV2))
out["kv2"] = k

# ---- KV v1 (hvac.secrets.kv.v1) ----------------------------------------------------------------
kv1 = root.secrets.kv.v1
v = {}
wire.take()
# Without method=, hvac reads first: a 404 means POST (create), a hit means PUT (update).
v["create"] = status_of(kv1.create_or_update_secret("team/db", {"url": "postgres://db:5432/app", "pool": "5"}, mount_point=KV1))
v["create_wire"] = wire.take()
v["update"] = status_of(kv1.create_or_update_secret("team/db", {"url": "postgres://db:5432/app", "pool": "10"}, mount_point=KV1))
v["update_wire"] = wire.take()
r = kv1.read_secret("team/db", mount_point=KV1)
v["read"] = {"data": r["data"], "lease_duration": r["lease_duration"]}
kv1.create_or_update_secret("team/cache", {"url": "redis://cache"}, method="POST", mount_point=KV1)
v["list"] = kv1.list_secrets("team", mount_point=KV1)["data"]["keys"]
v["list_wire"] = wire.take()[-1]
v["generic_list"] = root.list(KV1 + "/team")["data"]["keys"]
v["generic_list_wire"] = wire.take()
v["delete"] = status_of(kv1.delete_secret("team/db", mount_point=KV1))
v["read_deleted"] = error_of(lambda: kv1.read_secret("team/db", mount_point=KV1))
v["list_after_delete"] = kv1.list_secrets("team", mount_point=KV1)["data"]["keys"]
v["generic_read_missing"] = root.read(KV1 + "/team/db")  # hvac's generic read maps 404 to None
out["kv1"] = v

# ---- policies ----------------------------------------------------------------------------------
APP_POLICY = 'path "{kv}/data/app/*" {{\n  capabilities = ["read"]\n}}\n'.format(kv=KV2)
p = {}
p["create"] = status_of(root.sys.create_or_update_policy("hvac-app", APP_POLICY))
rp = root.sys.read_policy("hvac-app")
p["read"] = {"name": rp["data"]["name"], "rules": rp["data"]["rules"], "top_level_rules": rp.get("rules")}
p["get_policy_legacy"] = root.get_policy("hvac-app")
p["create_temp"] = status_of(root.sys.create_or_update_policy("hvac-temp", {"path": {"secret/data/tmp": {"capabilities": ["read"]}}}))
p["temp_rules_is_json"] = json.loads(root.sys.read_policy("hvac-temp")["data"]["rules"]) == {"path": {"secret/data/tmp": {"capabilities": ["read"]}}}
p["list"] = root.sys.list_policies()["data"]["policies"]
p["delete"] = status_of(root.sys.delete_policy("hvac-temp"))
p["read_deleted"] = error_of(lambda: root.sys.read_policy("hvac-temp"))
p["get_policy_deleted"] = root.get_policy("hvac-temp")
p["list_after_delete"] = root.sys.list_policies()["data"]["policies"]
out["policies"] = p

# ---- tokens ------------------------------------------------------------------------------------
kv2.create_or_update_secret("app/config", {"user": "alice", "password": "s3cret"}, mount_point=KV2)
kv2.create_or_update_secret("other/secret", {"nope": "no"}, mount_point=KV2)
t = {}
created = root.auth.token.create(policies=["hvac-app"], ttl="1h", meta={"app": "hvac"}, display_name="hvac-compat")
auth = created["auth"]
tok = auth["client_token"]
t["create"] = {n: auth[n] for n in ("policies", "token_policies", "metadata", "lease_duration", "renewable", "orphan", "token_type")}
t["create_token_is_hvs"] = tok.startswith("hvs.")
lk = root.auth.token.lookup(tok)["data"]
t["lookup"] = {n: lk[n] for n in ("display_name", "meta", "policies", "creation_ttl", "path", "renewable", "type", "num_uses", "orphan")}
t["lookup_id_matches"] = lk["id"] == tok
t["lookup_ttl"] = lk["ttl"]
t["lookup_legacy_same_accessor"] = root.lookup_token(tok)["data"]["accessor"] == auth["accessor"]
legacy = root.create_token(policies=["hvac-app"], ttl="30m")["auth"]  # sends null for every unset field
t["create_token_legacy"] = {n: legacy[n] for n in ("policies", "lease_duration", "renewable")}
t["renew"] = root.auth.token.renew(tok, increment="2h")["auth"]["lease_duration"]
t["renew_legacy"] = root.renew_token(tok, increment=5400)["auth"]["lease_duration"]

user = client(tok)
t["user_is_authenticated"] = user.is_authenticated()
me = user.auth.token.lookup_self()["data"]
t["user_lookup_self"] = {"policies": me["policies"], "display_name": me["display_name"], "id_matches": me["id"] == tok}
t["user_renew_self"] = user.auth.token.renew_self(increment="1h")["auth"]["lease_duration"]
t["user_read_allowed"] = user.secrets.kv.v2.read_secret_version("app/config", mount_point=KV2)["data"]["data"]
t["user_read_forbidden"] = error_of(lambda: user.secrets.kv.v2.read_secret_version("other/secret", mount_point=KV2))
t["user_write_forbidden"] = error_of(lambda: user.secrets.kv.v2.create_or_update_secret("app/config", {"x": "y"}, mount_point=KV2))
t["user_list_forbidden"] = error_of(lambda: user.secrets.kv.v2.list_secrets("app", mount_point=KV2))
t["user_sys_forbidden"] = error_of(lambda: user.sys.list_mounted_secrets_engines())
t["revoke"] = status_of(root.auth.token.revoke(tok))
t["user_lookup_self_after_revoke"] = error_of(lambda: user.auth.token.lookup_self())
t["user_is_authenticated_after_revoke"] = user.is_authenticated()
t["lookup_after_revoke"] = error_of(lambda: root.auth.token.lookup(tok))
t["revoke_again"] = status_of(root.auth.token.revoke(tok))  # Vault: revoking a gone token is a no-op
t["bogus_token_lookup_self"] = error_of(lambda: client("not-a-real-token").auth.token.lookup_self())
t["no_token_read"] = error_of(lambda: client("").secrets.kv.v2.read_secret_version("app/config", mount_point=KV2))
selfie = client(root.auth.token.create(ttl="10m")["auth"]["client_token"])
t["revoke_self"] = status_of(selfie.auth.token.revoke_self())
t["after_revoke_self"] = error_of(lambda: selfie.auth.token.lookup_self())
orphan = root.create_token(policies=["hvac-app"], ttl="10m", orphan=True)["auth"]
t["create_orphan_legacy"] = {"orphan": orphan["orphan"], "policies": orphan["policies"]}
out["tokens"] = t

# ---- token accessors ---------------------------------------------------------------------------
a = {}
t2 = root.auth.token.create(policies=["hvac-app"], ttl="1h", display_name="by-accessor")["auth"]
acc = t2["accessor"]
la = root.auth.token.lookup_accessor(acc)["data"]
a["lookup_accessor"] = {n: la[n] for n in ("accessor", "id", "display_name", "policies", "creation_ttl")}
a["lookup_accessor_legacy"] = root.lookup_token(acc, accessor=True)["data"]["accessor"] == acc
a["renew_accessor"] = root.auth.token.renew_accessor(acc, increment="90m")["auth"]["lease_duration"]
a["list_accessors_has_it"] = acc in root.auth.token.list_accessors()["data"]["keys"]
a["revoke_accessor"] = status_of(root.auth.token.revoke_accessor(acc))
a["lookup_accessor_after_revoke"] = error_of(lambda: root.auth.token.lookup_accessor(acc))
a["token_after_revoke_accessor"] = error_of(lambda: client(t2["client_token"]).auth.token.lookup_self())
t3 = root.auth.token.create(ttl="1h")["auth"]
root.revoke_token(t3["accessor"], accessor=True)  # legacy: POST auth/token/revoke-accessor, returns None
a["revoke_token_legacy_accessor"] = error_of(lambda: client(t3["client_token"]).auth.token.lookup_self())
out["accessors"] = a

# ---- response wrapping -------------------------------------------------------------------------
w = {}
wrapped = root.auth.token.create(policies=["hvac-app"], ttl="1h", wrap_ttl="60s")
wi = wrapped["wrap_info"]
w["token_create_wrapped"] = {"auth": wrapped["auth"], "ttl": wi["ttl"], "creation_path": wi["creation_path"], "has_wrapped_accessor": bool(wi.get("wrapped_accessor"))}
unwrapped = root.sys.unwrap(wi["token"])["auth"]
w["unwrap"] = {"policies": unwrapped["policies"], "lease_duration": unwrapped["lease_duration"]}
w["unwrapped_token_works"] = client(unwrapped["client_token"]).auth.token.lookup_self()["data"]["policies"]
w["unwrap_twice"] = error_of(lambda: root.sys.unwrap(wi["token"]))
rw = root.read(KV2 + "/data/app/config", wrap_ttl="2m")
w["read_wrapped"] = {"response_data": rw["data"], "ttl": rw["wrap_info"]["ttl"], "creation_path": rw["wrap_info"]["creation_path"]}
# unwrap() without an argument unwraps the client's own token (the wrapping token itself).
w["unwrap_as_wrapping_token"] = client(rw["wrap_info"]["token"]).sys.unwrap()["data"]["data"]
ww = root.write("sys/wrapping/wrap", wrap_ttl="60s", payload="hello", n="1")
w["wrap_arbitrary"] = {"ttl": ww["wrap_info"]["ttl"], "creation_path": ww["wrap_info"]["creation_path"]}
w["unwrap_arbitrary"] = root.sys.unwrap(ww["wrap_info"]["token"])["data"]
out["wrapping"] = w

# ---- legacy role fields read back (userpass and AppRole) --------------------------------------
lg = {}
root.sys.enable_auth_method("userpass", path="hvac-userpass")
root.sys.enable_auth_method("approle", path="hvac-approle")
# hvac 0.11's create_or_update_user sends `policies`; extra keyword arguments go in the body as is.
lg["userpass_create"] = status_of(root.auth.userpass.create_or_update_user("legacy-user", password="pw", policies="hvac-app,default", ttl="10m", mount_point="hvac-userpass"))
u = root.auth.userpass.read_user("legacy-user", mount_point="hvac-userpass")["data"]
lg["userpass_read"] = {n: u.get(n) for n in ("ttl", "token_ttl", "policies", "token_policies", "max_ttl")}
# The deprecated Client.create_role (AppRole) passes its keyword arguments through.
lg["approle_create"] = status_of(root.create_role("legacy-approle", mount_point="hvac-approle", period="30s", policies="hvac-app"))
ar = root.get_role("legacy-approle", mount_point="hvac-approle")["data"]
lg["approle_read"] = {n: ar.get(n) for n in ("period", "token_period", "policies", "token_policies")}
out["legacy"] = lg

# ---- Kubernetes auth ---------------------------------------------------------------------------
if os.environ.get("KUBE_HOST"):
    kb = {}
    kube = root.auth.kubernetes
    root.sys.create_or_update_policy("myapp-policy", 'path "secret/data/myapp/*" {\n  capabilities = ["read"]\n}\n')
    root.secrets.kv.v2.create_or_update_secret("myapp/config", {"username": "app", "password": "pw"})  # default mount "secret"
    root.secrets.kv.v2.create_or_update_secret("other/config", {"password": "not-yours"})
    kb["configure"] = status_of(
        kube.configure(
            os.environ["KUBE_HOST"],
            kubernetes_ca_cert=os.environ["KUBE_CA_CERT"],
            token_reviewer_jwt=os.environ["KUBE_REVIEWER_JWT"],
            mount_point=KUBE_MOUNT,
        )
    )
    conf = kube.read_config(mount_point=KUBE_MOUNT)
    kb["read_config"] = {"kubernetes_host": conf["kubernetes_host"], "ca_matches": conf["kubernetes_ca_cert"].strip() == os.environ["KUBE_CA_CERT"].strip(), "token_reviewer_jwt_returned": "token_reviewer_jwt" in conf}
    kb["create_role"] = status_of(
        kube.create_role("my-role", bound_service_account_names=["my-sa"], bound_service_account_namespaces=["app-namespace"], policies=["myapp-policy"], ttl="1h", mount_point=KUBE_MOUNT)
    )
    kube.create_role("tmp-role", bound_service_account_names="*", bound_service_account_namespaces="*", mount_point=KUBE_MOUNT)
    role = kube.read_role("my-role", mount_point=KUBE_MOUNT)
    kb["read_role"] = {n: role[n] for n in ("bound_service_account_names", "bound_service_account_namespaces", "token_policies", "token_ttl")}
    # create_role(ttl=..., policies=...) sends the deprecated names: Vault reads them back too.
    kb["read_role_legacy"] = {n: role.get(n) for n in ("ttl", "policies", "max_ttl", "period")}
    kb["list_roles"] = kube.list_roles(mount_point=KUBE_MOUNT)["keys"]
    kb["delete_role"] = status_of(kube.delete_role("tmp-role", mount_point=KUBE_MOUNT))
    kb["list_roles_after_delete"] = kube.list_roles(mount_point=KUBE_MOUNT)["keys"]

    app = client()
    login = app.auth.kubernetes.login("my-role", os.environ["KUBE_APP_JWT"], mount_point=KUBE_MOUNT)["auth"]
    kb["login"] = {n: login[n] for n in ("policies", "token_policies", "metadata", "lease_duration", "renewable")}
    kb["login_adopted_token"] = app.token == login["client_token"]
    kb["login_is_authenticated"] = app.is_authenticated()
    kb["login_read"] = app.secrets.kv.v2.read_secret_version("myapp/config")["data"]["data"]
    kb["login_read_forbidden"] = error_of(lambda: app.secrets.kv.v2.read_secret_version("other/config"))
    legacy_app = client()
    legacy_login = legacy_app.auth_kubernetes("my-role", os.environ["KUBE_APP_JWT"], mount_point=KUBE_MOUNT)["auth"]
    kb["legacy_login_with_mount_point"] = {"metadata": legacy_login["metadata"], "adopted": legacy_app.token == legacy_login["client_token"]}
    # The tutorial's call: no mount_point, so hvac posts to auth/kubernetes/login, which is not mounted.
    kb["tutorial_default_mount"] = error_of(lambda: client().auth_kubernetes("my-role", os.environ["KUBE_APP_JWT"]))
    kb["login_default_mount"] = error_of(lambda: client().auth.kubernetes.login("my-role", os.environ["KUBE_APP_JWT"]))
    kb["login_default_mount_as_admin"] = error_of(lambda: client(ROOT).auth.kubernetes.login("my-role", os.environ["KUBE_APP_JWT"]))
    kb["login_intruder"] = error_of(lambda: client().auth.kubernetes.login("my-role", os.environ["KUBE_INTRUDER_JWT"], mount_point=KUBE_MOUNT))
    kb["login_unknown_role"] = error_of(lambda: client().auth.kubernetes.login("no-such-role", os.environ["KUBE_APP_JWT"], mount_point=KUBE_MOUNT))
    kb["login_garbage_jwt"] = error_of(lambda: client().auth.kubernetes.login("my-role", "not.a.jwt", mount_point=KUBE_MOUNT))
    if os.environ.get("KUBE_OTHER_CA"):
        # A CA that did not sign the API server's certificate: the TokenReview cannot be made, and
        # the login is a 403 (hvac raises Forbidden), as in Vault, with Coffer's explanation.
        root.sys.enable_auth_method("kubernetes", path="kube-wrong-ca")
        kube.configure(os.environ["KUBE_HOST"], kubernetes_ca_cert=os.environ["KUBE_OTHER_CA"], token_reviewer_jwt=os.environ["KUBE_REVIEWER_JWT"], mount_point="kube-wrong-ca")
        kube.create_role("my-role", bound_service_account_names=["my-sa"], bound_service_account_namespaces=["app-namespace"], policies=["myapp-policy"], mount_point="kube-wrong-ca")
        kb["login_wrong_ca"] = error_of(lambda: client().auth.kubernetes.login("my-role", os.environ["KUBE_APP_JWT"], mount_point="kube-wrong-ca"))
    out["kubernetes"] = kb
else:
    out["kubernetes"] = {"skipped": "KUBE_HOST not set"}

# ---- seal / unseal (last: everything above needs an unsealed server) ---------------------------
if os.environ.get("COFFER_UNSEAL_KEY"):
    se = {}
    se["seal"] = status_of(root.sys.seal())
    se["is_sealed"] = root.sys.is_sealed()  # hvac sends X-Vault-Token even to sys/seal-status
    se["seal_status_sealed"] = root.seal_status["sealed"]
    se["health_get_sealed"] = status_of(root.sys.read_health_status(method="GET"))  # non-200: a Response
    se["read_while_sealed"] = error_of(lambda: kv2.read_secret_version("app/config", mount_point=KV2))
    se["unseal"] = {n: v for n, v in root.sys.submit_unseal_key(os.environ["COFFER_UNSEAL_KEY"]).items() if n in ("sealed", "progress", "t", "n")}
    se["is_sealed_after_unseal"] = root.sys.is_sealed()
    se["read_after_unseal"] = kv2.read_secret_version("app/config", mount_point=KV2)["data"]["data"]
    out["seal"] = se
else:
    out["seal"] = {"skipped": "COFFER_UNSEAL_KEY not set"}

json.dump(out, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write("\n")
