package org.den4j.agent;

import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * Turns injection on and off inside a running JVM (notebooks, tests), and the hook den4j's own
 * loaders call.
 *
 * <pre>{@code
 * try (DenInjection.Injection injection = DenInjection.inject("prefix=den:")) {
 *     ZooModel<NDList, NDList> model = Criteria.builder()...optModelPath(Path.of("den:acme/tiny@1"))
 *             .build().loadModel();   // served from the den
 * }
 * }</pre>
 *
 * <p>{@code inject} attaches the agent to this JVM with ByteBuddy's self-attach when it was not started
 * with {@code -javaagent}; closing the injection removes what it added and restores the previous one.
 */
public final class DenInjection {
    private static final Deque<Injection> ACTIVE = new ArrayDeque<>();
    private static InterceptionPoints.Installed transformer;
    private static Injector startup;

    private DenInjection() {
    }

    /** Called by the agent's {@code premain}/{@code agentmain}. */
    static synchronized void start(AgentOptions options, Instrumentation instrumentation) {
        Injector injector = Injector.of(options, ClassLoader.getSystemClassLoader());
        startup = injector;
        Hooks.set(injector);
        if (transformer == null) {
            transformer = InterceptionPoints.install(instrumentation);
        }
        Thread warmUp = new Thread(new Runnable() {
            @Override
            public void run() {
                injector.warmUp();
            }
        }, "den4j-agent-warm-up");
        warmUp.setDaemon(true);
        warmUp.setPriority(Thread.MIN_PRIORITY);
        warmUp.start();
    }

    /**
     * Injects with options written as the agent's argument string, such as {@code "prefix=den:"}; options
     * it omits come from {@code den4j.agent.*} properties and {@code DEN4J_AGENT_*} variables.
     *
     * @return the injection; closing it undoes this call
     * @throws IllegalArgumentException when an option is invalid or the mapper cannot be loaded
     */
    public static Injection inject(String options) {
        return inject(AgentOptions.fromAgentArguments(options));
    }

    /**
     * Injects with {@code options} until the returned injection is closed.
     *
     * @throws IllegalArgumentException when the mapper cannot be loaded
     * @throws IllegalStateException when this JVM cannot attach an agent to itself
     */
    public static Injection inject(AgentOptions options) {
        return inject(Injector.of(options, contextLoader()));
    }

    /**
     * Injects with {@code options}, serving loads from {@code den}, until the returned injection is closed;
     * the den stays open then: whoever opened it closes it.
     *
     * @throws IllegalArgumentException when the mapper cannot be loaded
     * @throws IllegalStateException when this JVM cannot attach an agent to itself
     */
    public static Injection inject(org.den4j.den.Den den, AgentOptions options) {
        return inject(Injector.over(den, options, contextLoader()));
    }

    private static ClassLoader contextLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader == null ? ClassLoader.getSystemClassLoader() : loader;
    }

    private static synchronized Injection inject(Injector injector) {
        boolean installs = transformer == null;
        if (installs) {
            transformer = InterceptionPoints.install(ByteBuddyAgent.install());
        }
        Injection injection = new Injection(injector, Hooks.current(), installs);
        Hooks.set(injector);
        ACTIVE.push(injection);
        return injection;
    }

    /** Closes the most recent open injection; does nothing when none is open. */
    public static synchronized void uninject() {
        Injection last = ACTIVE.peek();
        if (last != null) {
            last.close();
        }
    }

    /** Whether prefixed loads go to the den now: the agent is running or an injection is open. */
    public static synchronized boolean isActive() {
        return Hooks.current() != null;
    }

    /**
     * Where a loader should read {@code name} from: the den's local folder when {@code name} is a den
     * reference (it carries the prefix, or the mapper maps it), else {@code Path.of(name)}.
     *
     * <p>This is the hook den4j's own model and adapter loaders call; it works without the agent too, with
     * options from {@code den4j.agent.*} properties and {@code DEN4J_AGENT_*} variables.
     *
     * @throws DenLoadException when {@code name} is a den reference the den cannot give; the message names
     *     the reference, the den and the closest names
     */
    public static Path resolve(String name) {
        Path folder = Hooks.injector().resolve(name);
        return folder != null ? folder : Path.of(name);
    }

    private static synchronized void end(Injection injection) {
        if (!ACTIVE.remove(injection)) {
            return;
        }
        Hooks.set(ACTIVE.isEmpty() ? injection.previous : ACTIVE.peek().injector);
        injection.injector.close();
        if (ACTIVE.isEmpty() && startup == null && transformer != null) {
            transformer.reset();
            transformer = null;
        }
    }

    /** An open injection; close it to restore what was there before. */
    public static final class Injection implements AutoCloseable {
        private final Injector injector;
        private final Injector previous;
        private final boolean installed;

        private Injection(Injector injector, Injector previous, boolean installed) {
            this.injector = injector;
            this.previous = previous;
            this.installed = installed;
        }

        /** The injector that serves loads while this injection is open. */
        public Injector injector() {
            return injector;
        }

        /** Whether this injection attached the interception points (none were there before). */
        public boolean installedPoints() {
            return installed;
        }

        /** Ends the injection and closes its den; closing twice does nothing. */
        @Override
        public void close() {
            end(this);
        }
    }
}
