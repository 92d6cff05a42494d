package org.den4j.lm.kit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.den4j.den.ProgressListener;
import org.den4j.den.io.FileTree;
import org.den4j.lm.LanguageModel;
import org.den4j.lm.LmException;
import org.den4j.lm.LmInputException;
import org.den4j.lm.LoraAdapter;
import org.den4j.lm.io.DType;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.io.Safetensors;
import org.den4j.lm.io.SafetensorsFolder;
import org.den4j.lm.io.Tensor;

/**
 * Writes a Hugging Face model folder in another form: a safetensors folder with its weights in
 * another dtype, the model with a LoRA adapter merged into it, or (through
 * {@link org.den4j.lm.gguf.Qwen2GgufExport}) a GGUF file.
 *
 * <p>The files that are not weights ({@code tokenizer.json}, {@code tokenizer_config.json},
 * {@code generation_config.json}, ...) are copied; {@code config.json} gets the new
 * {@code torch_dtype}. The folder is written under a temporary name and renamed when complete.
 */
public final class ModelExport {
    private static final List<String> COPIED = List.of("tokenizer.json", "tokenizer_config.json",
            "generation_config.json", "special_tokens_map.json", "vocab.json", "merges.txt");

    private ModelExport() {
    }

    /**
     * Writes the model in {@code modelDir} to the new folder {@code out} with weights in {@code dtype}.
     *
     * @param dtype {@code f32}, {@code f16} or {@code bf16}
     * @throws LmException if the dtype is not a safetensors float type, {@code out} holds files, or
     *     the model folder is not a Qwen2 model
     */
    public static Path toSafetensors(Path modelDir, String dtype, Path out, ProgressListener progress) {
        DType type = safetensorsType(dtype);
        Qwen2Config config = Qwen2Config.read(modelDir);
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target) && !isEmptyDir(target)) {
            throw new LmInputException("output " + target + " already exists; pass a new folder for the exported model");
        }
        Path tmp = null;
        try (SafetensorsFolder weights = SafetensorsFolder.open(modelDir)) {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + "-");
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            progress.start("convert to " + type, weights.tensorNames().size());
            for (String name : weights.tensorNames()) {
                Tensor t = weights.read(name);
                tensors.put(name, t.dtype() == type || !t.dtype().isFloatingPoint() ? t
                        : Tensor.ofFloats(type, t.shape(), t.toFloats()));
                progress.advance(1);
            }
            progress.finish();
            Safetensors.writeModel(tmp, tensors, Map.of("format", "pt"), 4L << 30);
            config.withTorchDtype(switch (type) {
                case F16 -> "float16";
                case BF16 -> "bfloat16";
                default -> "float32";
            }).write(tmp.resolve(Qwen2Config.FILE));
            for (String file : COPIED) {
                if (Files.isRegularFile(modelDir.resolve(file))) {
                    Files.copy(modelDir.resolve(file), tmp.resolve(file));
                }
            }
            Files.deleteIfExists(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            return target;
        } catch (IOException e) {
            throw new LmException("cannot write the exported model into " + target + ": " + e.getMessage(), e);
        } finally {
            FileTree.deleteQuietly(tmp);
        }
    }

    /**
     * Writes {@code modelDir} with the PEFT LoRA adapter in {@code adapterDir} folded into its
     * weights ({@code W += B A * alpha/r}) as a new Hugging Face folder {@code out}.
     *
     * @param dtype weights type of the folder: {@code f32}, {@code f16} or {@code bf16}
     * @throws LmException if the adapter is missing, made for another model or rank, or {@code out} exists
     */
    public static Path mergeAdapter(Path modelDir, Path adapterDir, String dtype, Path out) {
        DType type = safetensorsType(dtype);
        if (!Files.isRegularFile(adapterDir.resolve(LoraAdapter.CONFIG_FILE))) {
            throw new LmInputException("adapter folder " + adapterDir + " has no " + LoraAdapter.CONFIG_FILE
                    + "; pass a PEFT LoRA adapter folder (adapter_config.json, adapter_model.safetensors)");
        }
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target) && !isEmptyDir(target)) {
            throw new LmInputException("output " + target + " already exists; pass a new folder for the merged model");
        }
        try {
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new LmException("cannot replace the empty folder " + target + ": " + e.getMessage(), e);
        }
        try (LanguageModel lm = LanguageModel.load(modelDir, "cpu", "float32");
                LoraAdapter adapter = LoraAdapter.load(adapterDir, lm.model())) {
            lm.model().attachAdapter(adapter);
            lm.model().mergeAdapter();
            lm.save(target, type);
        }
        return target;
    }

    static DType safetensorsType(String dtype) {
        return switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> DType.F32;
            case "f16", "float16" -> DType.F16;
            case "bf16", "bfloat16" -> DType.BF16;
            default -> throw new LmInputException("'" + dtype + "' is not a dtype for a safetensors export; use f32, f16 "
                    + "or bf16 (q8_0 is for --format gguf)");
        };
    }

    private static boolean isEmptyDir(Path dir) {
        try (var files = Files.list(dir)) {
            return files.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
