package io.jlxcfs.daemon;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;

/**
 * SIGUSR1 (reload) and SIGUSR2 (toggle host passthrough), as lxcfs has them. The JDK's only
 * handler API is {@code sun.misc.Signal} in jdk.unsupported; it is reached reflectively so the
 * build stays free of "internal proprietary API" warnings, and a JDK without it only loses the
 * two signals (logged).
 */
final class SignalHooks {

    private SignalHooks() {
    }

    /**
     * Whether HotSpot suspends threads with SIGUSR2 in this JVM: it does unless
     * {@code _JAVA_SR_SIGNUM} names another signal (13-64; anything else falls back to 12,
     * SIGUSR2). Then JFR's sampler (or any profiler that suspends threads) also runs a Java
     * SIGUSR2 handler, hundreds of times a second.
     */
    static boolean vmSuspendsWithUsr2(String srSignum) {
        if (srSignum == null) return true;
        try {
            int n = Integer.parseInt(srSignum.trim());
            return n < 13 || n > 64;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** Runs {@code action} on the JDK's signal thread whenever {@code name} ("USR1") arrives. */
    static boolean on(String name, Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object sig = signal.getConstructor(String.class).newInstance(name);
            Object h = Proxy.newProxyInstance(SignalHooks.class.getClassLoader(), new Class<?>[] {handler},
                    (proxy, m, args) -> {
                        if (m.getName().equals("handle")) {
                            try {
                                action.run();
                            } catch (RuntimeException e) {
                                Log.error("SIG%s handler failed: %s", name, e);
                            }
                            return null;
                        }
                        return switch (m.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "SignalHooks(" + name + ")";
                        };
                    });
            MethodHandle handle = MethodHandles.publicLookup().findStatic(signal, "handle",
                    MethodType.methodType(handler, signal, handler));
            handle.invoke(sig, h);
            return true;
        } catch (Throwable e) {
            Log.warn("cannot handle SIG%s: %s", name, e);
            return false;
        }
    }
}
