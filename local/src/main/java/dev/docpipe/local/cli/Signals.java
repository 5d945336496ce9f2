package dev.docpipe.local.cli;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * Catches Ctrl-C (SIGINT) and SIGTERM so the command can stop in order instead of the JVM starting
 * its shutdown at once. Without this, a Ctrl-C during the pipeline's start lets the JVM exit while
 * the embedded PostgreSQL is being started; the server process is then left running on its own
 * (zonky registers its shutdown hook only after the server is up, which fails once shutdown has
 * begun). Uses {@code sun.misc.Signal} (module jdk.unsupported) by reflection; where it is
 * missing, the JVM's default handling and the command's shutdown hook remain.
 */
final class Signals {
    /** What to call to put the previous handlers back. */
    interface Installed {
        void restore();
    }

    private Signals() {
    }

    static Installed onInterrupt(Runnable action) {
        List<Object[]> previous = new ArrayList<>();
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[]{handlerClass},
                    (proxy, method, args) -> {
                        if (method.getName().equals("handle")) {
                            action.run();
                            return null;
                        }
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "docpipe-convert-signal-handler";
                        };
                    });
            for (String name : List.of("INT", "TERM")) {
                Object signal = signalClass.getConstructor(String.class).newInstance(name);
                try {
                    previous.add(new Object[]{signal, handle.invoke(null, signal, handler)});
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // this signal cannot be caught here (e.g. the JVM was started with -Xrs)
                }
            }
            return () -> {
                for (Object[] p : previous) {
                    try {
                        handle.invoke(null, p[0], p[1]);
                    } catch (ReflectiveOperationException | RuntimeException ignored) {
                        // leave it
                    }
                }
            };
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return () -> {
            };
        }
    }
}
