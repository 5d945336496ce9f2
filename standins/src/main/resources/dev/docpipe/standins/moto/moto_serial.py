"""moto's WSGI app served one request at a time, on 127.0.0.1 and a port the OS picks.

moto_server's own launcher uses werkzeug's threaded server. moto's DynamoDB backend is not
thread-safe: under concurrent TransactWriteItems it answers HTTP 500 ("dictionary changed size
during iteration") and its rollback restores a stale copy of the table, losing other writers'
items. Serving one request at a time makes every moto operation atomic, which is what DynamoDB
promises per request. Concurrency tests still send concurrent requests; they queue in the
listen backlog.

Prints "MOTO_PORT=<port>" once listening. Exits when its standard input closes, so the server
never outlives the JVM that started it.
"""
import os
import sys
import threading


def main() -> None:
    from werkzeug.serving import make_server

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", 0, app, threaded=False, processes=1)
    port = server.server_port
    os.environ["MOTO_PORT"] = str(port)

    def exit_when_parent_goes() -> None:
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=exit_when_parent_goes, daemon=True).start()
    print(f"MOTO_PORT={port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
