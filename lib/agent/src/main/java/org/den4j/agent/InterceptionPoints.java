package org.den4j.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Every place where the agent redirects a model load: one line each in {@link #POINTS}.
 *
 * <p>A point names a class, a method (name and the start of its descriptor, so one line can cover all
 * overloads that begin with a {@code Path}), what to do on entry, and the exception the method declares,
 * which a failed den load is rethrown as. On entry the method calls one static method of {@link Hooks}:
 * <ul>
 *   <li>{@link Action#PATH}: {@code arg0 = Hooks.path(arg0, ...)}, for a {@code Path} argument;</li>
 *   <li>{@link Action#URLS}: {@code arg0 = Hooks.urls(arg0, ...)}, for a DJL URL list;</li>
 *   <li>{@link Action#TOKENIZER_NAME}: {@code r = Hooks.tokenizer(arg0, arg1, ...); if (r != null) return r;},
 *       which serves a prefixed Hub id from the den folder through the class's
 *       {@code newInstance(Path, Map)};</li>
 *   <li>{@link Action#SAVE}: {@code arg0 = Hooks.saveTo(arg0, ...)} on entry and {@code Hooks.saved(arg0, arg1,
 *       ...)} before each return, so a save under the {@code save} prefix goes to a temporary folder that is
 *       then pushed to the den.</li>
 * </ul>
 * To add a point, add a line; to add a kind of entry code, add an {@link Action}, its hook and its few
 * bytecode lines in {@code enter}. Names without the prefix pass untouched: every hook returns its
 * argument unchanged for them. den4j's own model and adapter loaders ({@code org.den4j.lm}) are points
 * like DJL's, so the lm module needs no agent code.
 *
 * <p>The entry code is written with the ASM that ships inside ByteBuddy rather than ByteBuddy's
 * {@code Advice}: measured here, ByteBuddy's first transformation of a DJL class cost about 750 ms and its
 * agent builder kept the jar above 6.5 MB; ASM costs a few milliseconds and about 300 kB. The JVM
 * transformer compares each loaded class's name with the points' classes, so a program that loads no
 * model pays nothing more.
 */
final class InterceptionPoints {
    /** The entry code of a point. */
    enum Action {
        /** Replace the first argument, a {@code Path}, with the den folder it names. */
        PATH,
        /** Replace the first argument, a comma-separated URL list, with den folder URLs. */
        URLS,
        /** Return the tokenizer of the den folder a prefixed Hub id names. */
        TOKENIZER_NAME,
        /** Save into a temporary folder and push it to the den when the method returns. */
        SAVE
    }

    /**
     * A method to intercept.
     *
     * @param type the class's binary name
     * @param method the method's name
     * @param descriptorStart the start of the method's descriptor, such as {@code (Ljava/nio/file/Path;}
     * @param action the entry code
     * @param exception the exception a failed den load is rethrown as: one the method declares
     */
    record Point(String type, String method, String descriptorStart, Action action, String exception) {
    }

    static final List<Point> POINTS = List.of(
            new Point("ai.djl.repository.zoo.Criteria$Builder", "optModelPath", "(Ljava/nio/file/Path;)",
                    Action.PATH, "ai.djl.repository.zoo.ModelNotFoundException"),
            new Point("ai.djl.repository.zoo.Criteria$Builder", "optModelUrls", "(Ljava/lang/String;)",
                    Action.URLS, "ai.djl.repository.zoo.ModelNotFoundException"),
            new Point("ai.djl.huggingface.tokenizers.HuggingFaceTokenizer", "newInstance", "(Ljava/nio/file/Path;",
                    Action.PATH, "java.io.IOException"),
            new Point("ai.djl.huggingface.tokenizers.HuggingFaceTokenizer", "newInstance",
                    "(Ljava/lang/String;Ljava/util/Map;)", Action.TOKENIZER_NAME, "java.lang.IllegalArgumentException"),
            new Point("ai.djl.BaseModel", "save", "(Ljava/nio/file/Path;Ljava/lang/String;)", Action.SAVE,
                    "java.io.IOException"),
            // den4j's own loaders: a language model folder, its weights, a LoRA adapter folder
            new Point("org.den4j.lm.LanguageModel", "load", "(Ljava/nio/file/Path;", Action.PATH,
                    "org.den4j.lm.LmException"),
            new Point("org.den4j.lm.Qwen2Model", "load", "(Ljava/nio/file/Path;", Action.PATH,
                    "org.den4j.lm.LmException"),
            new Point("org.den4j.lm.LoraAdapter", "load", "(Ljava/nio/file/Path;", Action.PATH,
                    "org.den4j.lm.LmException"));

    private static final String HOOKS = Type.getInternalName(Hooks.class);

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

    /** The JVM transformer of the points: a name check per loaded class, ASM only for the points' classes. */
    static final class Installed implements ClassFileTransformer {
        private final Instrumentation instrumentation;
        private final Set<String> internalNames = new HashSet<>();

        private Installed(Instrumentation instrumentation) {
            this.instrumentation = instrumentation;
            for (Point p : POINTS) {
                internalNames.add(p.type().replace('.', '/'));
            }
        }

        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                byte[] bytes) {
            if (className == null || !internalNames.contains(className)) {
                return null;
            }
            try {
                return rewrite(className, bytes);
            } catch (RuntimeException | LinkageError e) {
                // a transformer's exception is swallowed by the JVM; say why the class stays unchanged
                System.err.println("den4j agent: cannot intercept " + className.replace('/', '.') + ": " + e);
                return null;
            }
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

    /** The class with entry code added to the methods of its points. */
    static byte[] rewrite(String internalName, byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        // The writer shares the reader's constant pool and copies untouched methods as they are.
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                for (Point p : POINTS) {
                    if (p.type().replace('.', '/').equals(internalName) && p.method().equals(name)
                            && descriptor.startsWith(p.descriptorStart())) {
                        return new Entry(mv, p, internalName, (access & Opcodes.ACC_STATIC) != 0, descriptor);
                    }
                }
                return mv;
            }
        }, 0);
        return writer.toByteArray();
    }

    /** Writes a point's entry code at the start of the method. */
    private static final class Entry extends MethodVisitor {
        private final Point point;
        private final Type owner;
        private final int first;
        private final String descriptor;
        private int extraLocals;

        Entry(MethodVisitor mv, Point point, String internalName, boolean isStatic, String descriptor) {
            super(Opcodes.ASM9, mv);
            this.point = point;
            this.owner = Type.getObjectType(internalName);
            this.first = isStatic ? 0 : 1;
            this.descriptor = descriptor;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            switch (point.action()) {
                case PATH -> replaceFirst("path", "Ljava/nio/file/Path;");
                case URLS -> replaceFirst("urls", "Ljava/lang/String;");
                case TOKENIZER_NAME -> returnIfServed();
                case SAVE -> replaceFirst("saveTo", "Ljava/nio/file/Path;");
                default -> throw new IllegalStateException(point.action().name());
            }
        }

        @Override
        public void visitInsn(int opcode) {
            if (point.action() == Action.SAVE && opcode == Opcodes.RETURN) {
                // Hooks.saved(arg0, arg1, Owner.class, "exception");
                super.visitVarInsn(Opcodes.ALOAD, first);
                super.visitVarInsn(Opcodes.ALOAD, first + 1);
                super.visitLdcInsn(owner);
                super.visitLdcInsn(point.exception());
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "saved",
                        "(Ljava/nio/file/Path;Ljava/lang/String;Ljava/lang/Class;Ljava/lang/String;)V", false);
            }
            super.visitInsn(opcode);
        }

        /** {@code arg0 = Hooks.NAME(arg0, Owner.class, "exception");} */
        private void replaceFirst(String hook, String type) {
            super.visitVarInsn(Opcodes.ALOAD, first);
            super.visitLdcInsn(owner);
            super.visitLdcInsn(point.exception());
            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, hook,
                    "(" + type + "Ljava/lang/Class;Ljava/lang/String;)" + type, false);
            super.visitVarInsn(Opcodes.ASTORE, first);
        }

        /** {@code Object r = Hooks.tokenizer(arg0, arg1, Owner.class, "exception"); if (r != null) return (T) r;} */
        private void returnIfServed() {
            int local = Type.getArgumentsAndReturnSizes(descriptor) >> 2;
            extraLocals = 1;
            Label original = new Label();
            super.visitVarInsn(Opcodes.ALOAD, first);
            super.visitVarInsn(Opcodes.ALOAD, first + 1);
            super.visitLdcInsn(owner);
            super.visitLdcInsn(point.exception());
            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "tokenizer",
                    "(Ljava/lang/String;Ljava/util/Map;Ljava/lang/Class;Ljava/lang/String;)Ljava/lang/Object;", false);
            super.visitVarInsn(Opcodes.ASTORE, local);
            super.visitVarInsn(Opcodes.ALOAD, local);
            super.visitJumpInsn(Opcodes.IFNULL, original);
            super.visitVarInsn(Opcodes.ALOAD, local);
            super.visitTypeInsn(Opcodes.CHECKCAST, Type.getReturnType(descriptor).getInternalName());
            super.visitInsn(Opcodes.ARETURN);
            super.visitLabel(original);
            // the locals are the arguments again, as at the method's start, so the original code's frames hold
            super.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, 4), maxLocals + extraLocals);
        }
    }
}
