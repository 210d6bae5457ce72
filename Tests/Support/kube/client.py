#!/usr/bin/env python3
"""The Python `kubernetes` client through a kubeconfig, for Warden's tests.

  client.py KUBECONFIG list-pods            prints NAMESPACE/NAME of every pod
  client.py KUBECONFIG read-secret NS NAME  prints the Secret's data as JSON

Errors print the API server's (or Warden's) status and reason and exit 1.
"""
import json
import sys

from kubernetes import client, config
from kubernetes.client.rest import ApiException


def main():
    kubeconfig, command, *args = sys.argv[1:]
    config.load_kube_config(config_file=kubeconfig)
    api = client.CoreV1Api()
    try:
        if command == "list-pods":
            for pod in api.list_pod_for_all_namespaces().items:
                print(f"{pod.metadata.namespace}/{pod.metadata.name}")
        elif command == "read-secret":
            print(json.dumps(api.read_namespaced_secret(args[1], args[0]).data, sort_keys=True))
        else:
            sys.exit(f"unknown command {command}")
    except ApiException as error:
        print(f"{error.status} {error.reason}: {error.body}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
