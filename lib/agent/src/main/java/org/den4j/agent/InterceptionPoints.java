package org.den4j.agent;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Every place where the agent redirects a model load: one line in {@link #POINTS} and one advice class
 * per point, each a few lines.
 *
 * <p>To add a point: write a nested class whose {@code @Advice.OnMethodEnter} method rewrites the
 * intercepted argument through {@link Hooks} (a {@code Path}, a name or a URL list), rethrowing
 * {@link DenLoadException} as the exception the intercepted method declares, and add a
 * {@code new Point("org.Class", "method(java.nio.file.Path)", "YourAdvice")} line to {@link #POINTS}. Advice code is copied
 * into the intercepted class, so it may name that library's types; the agent jar itself never bundles
 * them. Names without the prefix must pass untouched.
 *
 * <p>den4j's own loaders are not intercepted: they call {@link DenInjection#resolve(String)}.
 *
 * <p>Start-up stays cheap: the JVM's transformer compares each loaded class's name with the points'
 * classes and starts ByteBuddy only when one of them loads, so a program that loads no model never
 * pays for it.
 */
final class InterceptionPoints {
    /**
     * A method to intercept.
     *
     * @param type the class's binary name
     * @param method the method's name and parameter types, such as {@code optModelPath(java.nio.file.Path)};
     *     a trailing {@code ...} accepts any further parameters
     * @param advice the simple name of the nested advice class
     */
    record Point(String type, String method, String advice) {
    }

    static final List<Point> POINTS = List.of(
            new Point("ai.djl.repository.zoo.Criteria$Builder", "optModelPath(java.nio.file.Path)",
                    "CriteriaModelPath"),
            new Point("ai.djl.repository.zoo.Criteria$Builder", "optModelUrls(java.lang.String)",
                    "CriteriaModelUrls"),
            new Point("ai.djl.huggingface.tokenizers.HuggingFaceTokenizer", "newInstance(java.nio.file.Path, ...)",
                    "TokenizerPath"),
            new Point("ai.djl.huggingface.tokenizers.HuggingFaceTokenizer",
                    "newInstance(java.lang.String, java.util.Map)", "TokenizerName"));

    private InterceptionPoints() {
    }

    /**
     * Installs every point; classes of the points that are already loaded are retransformed.
     *
     * @return the installed points; {@link Installed#reset()} removes them again
     */
    static Installed install(Instrumentation instrumentation) {
        Installed installed = new Installed(instrumentation);
        instrumentation.addTransformer(installed, true);
        installed.retransformLoaded();
        return installed;
    }

    /** The JVM transformer of the points: a name check per loaded class, ByteBuddy only for the points' classes. */
    static final class Installed implements ClassFileTransformer {
        private final Instrumentation instrumentation;
        private final Set<String> internalNames = new HashSet<>();
        private volatile ClassFileTransformer byteBuddy;

        private Installed(Instrumentation instrumentation) {
            this.instrumentation = instrumentation;
            for (Point p : POINTS) {
                internalNames.add(p.type().replace('.', '/'));
            }
        }

        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                byte[] bytes) throws IllegalClassFormatException {
            if (className == null || !internalNames.contains(className)) {
                return null;
            }
            return byteBuddy().transform(loader, className, redefined, domain, bytes);
        }

        private ClassFileTransformer byteBuddy() {
            ClassFileTransformer t = byteBuddy;
            if (t == null) {
                synchronized (this) {
                    if (byteBuddy == null) {
                        byteBuddy = makeByteBuddy();
                    }
                    t = byteBuddy;
                }
            }
            return t;
        }

        /** Removes the points and restores the original code of classes already changed. */
        void reset() {
            instrumentation.removeTransformer(this);
            retransformLoaded();
        }

        private void retransformLoaded() {
            List<Class<?>> loaded = new ArrayList<>();
            for (Class<?> c : instrumentation.getAllLoadedClasses()) {
                if (internalNames.contains(c.getName().replace('.', '/')) && instrumentation.isModifiableClass(c)) {
                    loaded.add(c);
                }
            }
            if (!loaded.isEmpty()) {
                try {
                    instrumentation.retransformClasses(loaded.toArray(new Class<?>[0]));
                } catch (UnmodifiableClassException e) {
                    throw new IllegalStateException("den4j agent cannot retransform " + loaded + ": " + e, e);
                }
            }
        }
    }

    private static ClassFileTransformer makeByteBuddy() {
        AgentBuilder agent = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                .with(AgentBuilder.Listener.StreamWriting.toSystemError().withErrorsOnly());
        for (Point p : POINTS) {
            // Advice is read by name from the agent's class loader, so this class never links against DJL.
            agent = agent.type(named(p.type())).transform(new AgentBuilder.Transformer.ForAdvice()
                    .include(InterceptionPoints.class.getClassLoader())
                    .advice(matcher(p.method()), InterceptionPoints.class.getName() + "$" + p.advice()));
            // not asTerminalTransformation(): several points may share a class
        }
        return agent.makeRaw();
    }

    /** {@code name(type, type, ...)} as a ByteBuddy matcher; built only when a point's class loads. */
    static ElementMatcher<MethodDescription> matcher(String signature) {
        int open = signature.indexOf('(');
        String[] parameters = signature.substring(open + 1, signature.length() - 1).split(",");
        ElementMatcher.Junction<MethodDescription> m = named(signature.substring(0, open));
        boolean openEnded = false;
        int count = 0;
        for (String parameter : parameters) {
            String t = parameter.trim();
            if (t.equals("...")) {
                openEnded = true;
            } else if (!t.isEmpty()) {
                m = m.and(takesArgument(count++, named(t)));
            }
        }
        // takesArgument(i, ...) already needs at least i + 1 parameters
        return openEnded ? m : m.and(takesArguments(count));
    }

    /** DJL {@code Criteria.Builder.optModelPath(Path)}: {@code Path.of("den:acme/tiny@1")}. */
    static final class CriteriaModelPath {
        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(value = 0, readOnly = false) Path path) throws Exception {
            try {
                path = Hooks.path(path);
            } catch (DenLoadException e) {
                throw new ai.djl.repository.zoo.ModelNotFoundException(e.getMessage(), e);
            }
        }
    }

    /** DJL {@code Criteria.Builder.optModelUrls(String)}: {@code "den:acme/tiny"}, {@code "den://acme/tiny@1"}. */
    static final class CriteriaModelUrls {
        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(value = 0, readOnly = false) String urls) throws Exception {
            try {
                urls = Hooks.urls(urls);
            } catch (DenLoadException e) {
                throw new ai.djl.repository.zoo.ModelNotFoundException(e.getMessage(), e);
            }
        }
    }

    /** DJL {@code HuggingFaceTokenizer.newInstance(Path, ...)}: the den folder holds tokenizer.json. */
    static final class TokenizerPath {
        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(value = 0, readOnly = false) Path path) throws IOException {
            try {
                path = Hooks.path(path);
            } catch (DenLoadException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    /** DJL {@code HuggingFaceTokenizer.newInstance(String, Map)}: a prefixed Hub id loads from the den folder. */
    static final class TokenizerName {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Path enter(@Advice.Argument(0) String name) {
            try {
                return Hooks.folder(name);
            } catch (DenLoadException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Path folder, @Advice.Argument(1) Map<String, String> options,
                @Advice.Return(readOnly = false) HuggingFaceTokenizer tokenizer) throws IOException {
            if (folder != null) {
                tokenizer = HuggingFaceTokenizer.newInstance(folder,
                        options == null ? Collections.<String, String>emptyMap() : options);
            }
        }
    }
}
