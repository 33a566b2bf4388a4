"""Checks Laurel's deployment files offline (the test command runs it).

- Every manifest in deploy/k8s validates, strictly (no unknown fields),
  against the Kubernetes API schemas bundled with kubernetes-validate, for
  each version in KUBERNETES.
- They fit together: the Deployment's selector matches its pods, the Service,
  PodDisruptionBudget and HorizontalPodAutoscaler point at them, every
  ConfigMap and Secret a pod reads exists, the probes ask /healthz and
  /readyz on the port the container opens, pods run as a non-root user with
  a read-only root file system, and the settings are ones Laurel reads.
- deploy/Dockerfile builds in one stage and runs from another, as a numeric
  non-root user, with `laurel` as its entry point and nothing fetched by ADD.

What cannot run here: building the image (no container registry is
reachable) and applying the manifests to a cluster.

    python check.py DEPLOY_DIR [LAUREL_BINARY]

With LAUREL_BINARY, the settings named in the ConfigMap and the Secret are
also looked up in its `--help`. It first checks itself: broken copies of the
files (an unknown field, a wrong probe path, a root user, a missing Secret)
must each be refused, or the check could not fail.
"""

import pathlib
import subprocess
import sys

import kubernetes_validate
import yaml
from dockerfile_parse import DockerfileParser

KUBERNETES = ["1.30.0", "1.33.0"]

problems = []


def problem(text):
    problems.append(text)


def main():
    deploy = pathlib.Path(sys.argv[1])
    binary = sys.argv[2] if len(sys.argv) > 2 else None
    self_test(deploy)
    check(deploy, binary)
    for p in problems:
        print("FAIL", p)
    if problems:
        sys.exit(1)
    print("deployment files: ok")


def self_test(deploy):
    import shutil
    import tempfile

    breakages = [
        ("k8s/deployment.yaml", "revisionHistoryLimit: 5", "revisionHistoryLimit: 5\n  replica: 3"),
        ("k8s/deployment.yaml", "path: /readyz\n              port: http\n            periodSeconds: 5",
         "path: /ready\n              port: http\n            periodSeconds: 5"),
        ("Dockerfile", "USER 10001:10001", "USER 0"),
        ("k8s/secret.example.yaml", "name: laurel\n", "name: laurel-other\n"),
    ]
    for file, good, bad in breakages:
        with tempfile.TemporaryDirectory() as tmp:
            copy = pathlib.Path(tmp) / "deploy"
            shutil.copytree(deploy, copy, ignore=shutil.ignore_patterns("check"))
            text = (copy / file).read_text()
            assert good in text, f"self-test: {good!r} not in {file}"
            (copy / file).write_text(text.replace(good, bad, 1))
            problems.clear()
            check(copy, None, quiet=True)
            if not problems:
                print(f"FAIL self-test: breaking {file} ({bad!r}) was not noticed")
                sys.exit(1)
    problems.clear()
    print(f"self-test: {len(breakages)} broken copies refused")


def check(deploy, binary, quiet=False):
    docs = {}
    for path in sorted((deploy / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc:
                continue
            for version in KUBERNETES:
                try:
                    kubernetes_validate.validate(doc, version, strict=True)
                except kubernetes_validate.ValidationError as e:
                    problem(f"{path.name} ({version}): {e.message} at {list(e.path)}")
                except Exception as e:  # an unknown kind or version
                    problem(f"{path.name} ({version}): {e}")
            docs[(doc["kind"], doc["metadata"]["name"])] = (path.name, doc)
    if not quiet:
        print(f"{len(docs)} manifests valid against Kubernetes {', '.join(KUBERNETES)}"
              if not problems else "schema problems found")

    def need(kind, name):
        if (kind, name) not in docs:
            problem(f"no {kind} named {name}")
            return None
        return docs[(kind, name)][1]

    deployment = need("Deployment", "laurel")
    if deployment:
        spec = deployment["spec"]
        pod = spec["template"]
        selector = spec["selector"]["matchLabels"]
        labels = pod["metadata"]["labels"]
        if any(labels.get(k) != v for k, v in selector.items()):
            problem("the Deployment's selector does not match its pods")
        for kind, select in [
            ("Service", lambda d: d["spec"]["selector"]),
            ("PodDisruptionBudget", lambda d: d["spec"]["selector"]["matchLabels"]),
        ]:
            other = need(kind, "laurel")
            if other and select(other) != selector:
                problem(f"the {kind} selects {select(other)}, not the Deployment's pods")
        hpa = need("HorizontalPodAutoscaler", "laurel")
        if hpa and hpa["spec"]["scaleTargetRef"] != {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": "laurel",
        }:
            problem("the HorizontalPodAutoscaler does not scale the Deployment")
        check_pod("Deployment", pod["spec"], docs, need)
        container = pod["spec"]["containers"][0]
        ports = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
        for probe, path in [
            ("livenessProbe", "/healthz"),
            ("readinessProbe", "/readyz"),
            ("startupProbe", "/readyz"),
        ]:
            get = container.get(probe, {}).get("httpGet", {})
            if get.get("path") != path or get.get("port") not in ports:
                problem(f"the {probe} must GET {path} on the container's port")
        if ports.get("http") != 3000:
            problem("the container must open port 3000 (LEPTOS_SITE_ADDR)")
    job = need("Job", "laurel-migrate")
    if job:
        spec = job["spec"]["template"]["spec"]
        if spec["containers"][0].get("args") != ["migrate"]:
            problem("the migration Job must run `laurel migrate`")
        check_pod("Job", spec, docs, need)

    settings = set()
    for kind in ["ConfigMap", "Secret"]:
        doc = need(kind, "laurel")
        if doc:
            settings |= set((doc.get("data") or {}) | (doc.get("stringData") or {}))
    for name in sorted(settings):
        if not (name.startswith(("LAUREL_", "LEPTOS_")) or name in ("DATABASE_URL", "RUST_LOG")):
            problem(f"{name} is not a Laurel setting")
    if binary:
        help_text = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
        for name in sorted(settings - {"RUST_LOG"}):
            if name not in help_text:
                problem(f"{name}: `laurel --help` does not know it")
    if "LAUREL_MASTER_KEY" not in (need("Secret", "laurel") or {}).get("stringData", {}):
        problem("the master key must come from the Secret")

    check_dockerfile(deploy / "Dockerfile", quiet)


def check_pod(kind, spec, docs, need):
    security = spec.get("securityContext", {})
    if not security.get("runAsNonRoot") or not security.get("runAsUser"):
        problem(f"the {kind}'s pods must run as a non-root user")
    for container in spec["containers"]:
        c = container.get("securityContext", {})
        if not c.get("readOnlyRootFilesystem") or c.get("allowPrivilegeEscalation") is not False:
            problem(f"the {kind}'s container needs a read-only root and no privilege escalation")
        for source in container.get("envFrom", []):
            for key, kind_of in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")]:
                if key in source:
                    need(kind_of, source[key]["name"])
        mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
        if "/var/lib/laurel" not in mounts:
            problem(f"the {kind}'s container needs a writable LAUREL_DATA_DIR (/var/lib/laurel)")


def check_dockerfile(path, quiet):
    parser = DockerfileParser(path=str(path))
    stages = [i for i in parser.structure if i["instruction"] == "FROM"]
    if len(stages) < 2:
        problem("the Dockerfile must build in one stage and run from another")
    last_from = max(i["startline"] for i in stages)
    final = [i for i in parser.structure if i["startline"] > last_from]
    users = [i["value"] for i in final if i["instruction"] == "USER"]
    if not users or not users[-1].split(":")[0].isdigit() or users[-1].split(":")[0] == "0":
        problem("the image must run as a numeric non-root USER")
    entry = [i["value"] for i in final if i["instruction"] == "ENTRYPOINT"]
    if not entry or "laurel" not in entry[-1]:
        problem("the image's ENTRYPOINT must be laurel")
    for i in parser.structure:
        if i["instruction"] == "ADD" and "://" in i["value"]:
            problem(f"line {i['startline'] + 1}: ADD fetches from the network; COPY what is needed")
    copies = [i["value"] for i in final if i["instruction"] == "COPY"]
    if any(not c.startswith("--from=") for c in copies):
        problem("the final stage must copy only from the build stage (no sources)")
    if not quiet:
        print(f"Dockerfile: {len(stages)} stages, runs as USER {users[-1] if users else '?'}")


if __name__ == "__main__":
    main()
