///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS ai.djl.huggingface:tokenizers:0.35.1
//DEPS org.slf4j:slf4j-nop:2.0.17
//RUNTIME_OPTIONS -Dai.djl.offline=true
//DESCRIPTION Loads a Hugging Face tokenizer with plain DJL from a folder and prints the token ids of a text.
//DESCRIPTION It knows nothing of den4j: the tokenize-den alias runs it with the den4j agent, so den:NAME loads from the den.

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.Arrays;

/** tokenize TOKENIZER_FOLDER TEXT: prints the ids; a folder that cannot be loaded is exit 1 with DJL's message. */
class tokenize {
    public static void main(String... args) {
        if (args.length != 2) {
            System.err.println("usage: tokenize TOKENIZER_FOLDER TEXT (e.g. ./jbang tokenize-den den:acme/tok 'chest pain')");
            System.exit(2);
        }
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(Path.of(args[0]))) {
            System.out.println(Arrays.toString(tokenizer.encode(args[1]).getIds()));
        } catch (Exception e) {
            System.err.println("tokenize: cannot load the tokenizer " + args[0] + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
