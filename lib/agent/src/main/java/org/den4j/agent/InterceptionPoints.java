package org.den4j.agent;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;

/**
 * Every place where the agent redirects a model load: one advice class per point, each a few lines.
 *
 * <p>To add a point: write a nested class whose {@code @Advice.OnMethodEnter} method rewrites the
 * intercepted argument through {@link Hooks} (a {@code Path}, a name or a URL list), rethrowing
 * {@link DenLoadException} as the exception the intercepted method declares; then add one
 * {@code .type(named(CLASS)).transform(advice(METHOD_MATCHER, YourAdvice.class))} line to
 * {@link #install}. Advice code is copied into the intercepted class, so it may name that library's
 * types; the agent jar itself never bundles them. Names without the prefix must pass untouched.
 *
 * <p>den4j's own loaders are not intercepted: they call {@link DenInjection#resolve(String)}.
 */
final class InterceptionPoints {
    private InterceptionPoints() {
    }

    /**
     * Installs every point; classes already loaded are retransformed.
     *
     * @return the transformer, whose {@code reset} removes the points again
     */
    static ResettableClassFileTransformer install(Instrumentation instrumentation) {
        return new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                .with(AgentBuilder.Listener.StreamWriting.toSystemError().withErrorsOnly())
                .type(named("ai.djl.repository.zoo.Criteria$Builder"))
                .transform(advice(named("optModelPath").and(takesArguments(Path.class)), nested("CriteriaModelPath"))
                        .advice(named("optModelUrls").and(takesArguments(String.class)), nested("CriteriaModelUrls")))
                .type(named("ai.djl.huggingface.tokenizers.HuggingFaceTokenizer"))
                .transform(advice(isStatic().and(named("newInstance")).and(takesArgument(0, Path.class)),
                        nested("TokenizerPath"))
                        .advice(isStatic().and(named("newInstance")).and(takesArguments(String.class, Map.class)),
                                nested("TokenizerName")))
                .installOn(instrumentation);
    }

    private static AgentBuilder.Transformer.ForAdvice advice(
            net.bytebuddy.matcher.ElementMatcher<? super net.bytebuddy.description.method.MethodDescription> method,
            String adviceClass) {
        // Advice is read by name from the agent's class loader, so this class never links against DJL.
        return new AgentBuilder.Transformer.ForAdvice()
                .include(InterceptionPoints.class.getClassLoader())
                .advice(method, adviceClass);
    }

    private static String nested(String simpleName) {
        return InterceptionPoints.class.getName() + "$" + simpleName;
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
