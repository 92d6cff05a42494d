package org.den4j.hub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pattern matching against a table written by Python's {@code fnmatch.fnmatchcase} and
 * {@code huggingface_hub.utils.filter_repo_objects} (huggingface_hub 1.33.0, Python 3.11).
 */
class PathPatternsTest {
    static final List<String> PATHS = List.of("config.json", "model.safetensors", "onnx/model.onnx", "onnx/sub/x.json", "data/file.json", "data/sub/file.json", ".gitattributes", "README.md", "tokenizer/vocab.txt", "a[1].txt", "a1.txt", "].txt", "dir/.hidden", "Model.SafeTensors", "x-y.bin", "x-.bin", "b.bin", "c.bin", "z.bin", "-.bin", "!.bin", "^.bin", "line\nbreak.bin");

    static Stream<Arguments> fnmatchTable() {
        return Stream.of(
                Arguments.of("*.json", List.of("config.json", "onnx/sub/x.json", "data/file.json", "data/sub/file.json")),
                Arguments.of("*", List.of("config.json", "model.safetensors", "onnx/model.onnx", "onnx/sub/x.json", "data/file.json", "data/sub/file.json", ".gitattributes", "README.md", "tokenizer/vocab.txt", "a[1].txt", "a1.txt", "].txt", "dir/.hidden", "Model.SafeTensors", "x-y.bin", "x-.bin", "b.bin", "c.bin", "z.bin", "-.bin", "!.bin", "^.bin", "line\nbreak.bin")),
                Arguments.of("data/*.json", List.of("data/file.json", "data/sub/file.json")),
                Arguments.of("onnx", List.of()),
                Arguments.of("*.safetensors", List.of("model.safetensors")),
                Arguments.of("?.bin", List.of("b.bin", "c.bin", "z.bin", "-.bin", "!.bin", "^.bin")),
                Arguments.of("[a-c].bin", List.of("b.bin", "c.bin")),
                Arguments.of("[!a-c].bin", List.of("z.bin", "-.bin", "!.bin", "^.bin")),
                Arguments.of("[c-a].bin", List.of()),
                Arguments.of("[!c-a].bin", List.of("b.bin", "c.bin", "z.bin", "-.bin", "!.bin", "^.bin")),
                Arguments.of("a[1].txt", List.of("a1.txt")),
                Arguments.of("a[[]1].txt", List.of("a[1].txt")),
                Arguments.of("[]].txt", List.of("].txt")),
                Arguments.of("[!]].txt", List.of()),
                Arguments.of("*/.hidden", List.of("dir/.hidden")),
                Arguments.of("model.*", List.of("model.safetensors")),
                Arguments.of("*.SafeTensors", List.of("Model.SafeTensors")),
                Arguments.of("[x-].bin", List.of("-.bin")),
                Arguments.of("[-x].bin", List.of("-.bin")),
                Arguments.of("[a-].bin", List.of("-.bin")),
                Arguments.of("[z-a-c].bin", List.of("c.bin", "-.bin")),
                Arguments.of("**/*.json", List.of("onnx/sub/x.json", "data/file.json", "data/sub/file.json")),
                Arguments.of("*/sub/*", List.of("onnx/sub/x.json", "data/sub/file.json")),
                Arguments.of("[", List.of()),
                Arguments.of("[!", List.of()),
                Arguments.of("x[-y].bin", List.of("x-.bin")),
                Arguments.of("[a-b-z].bin", List.of("b.bin", "z.bin", "-.bin")),
                Arguments.of("[^b].bin", List.of("b.bin", "^.bin")),
                Arguments.of("[!^].bin", List.of("b.bin", "c.bin", "z.bin", "-.bin", "!.bin")),
                Arguments.of("*.bin", List.of("x-y.bin", "x-.bin", "b.bin", "c.bin", "z.bin", "-.bin", "!.bin", "^.bin", "line\nbreak.bin")),
                Arguments.of("line?break.bin", List.of("line\nbreak.bin")),
                Arguments.of("[&&b].bin", List.of("b.bin")),
                Arguments.of("README.[mM][dD]", List.of("README.md")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fnmatchTable")
    void fnmatchSelectsWhatPythonSelects(String pattern, List<String> expected) {
        assertEquals(expected, PATHS.stream().filter(p -> PathPatterns.fnmatch(p, pattern)).toList());
    }

    static Stream<Arguments> filterTable() {
        return Stream.of(
                Arguments.of(List.of("*.json"), null, List.of("config.json", "onnx/sub/x.json", "data/file.json", "data/sub/file.json")),
                Arguments.of(null, List.of("*.json"), List.of("model.safetensors", "onnx/model.onnx", ".gitattributes", "README.md", "tokenizer/vocab.txt", "a[1].txt", "a1.txt", "].txt", "dir/.hidden", "Model.SafeTensors", "x-y.bin", "x-.bin", "b.bin", "c.bin", "z.bin", "-.bin", "!.bin", "^.bin", "line\nbreak.bin")),
                Arguments.of(List.of("onnx/"), null, List.of("onnx/model.onnx", "onnx/sub/x.json")),
                Arguments.of(List.of("*.json", "*.safetensors"), List.of(".*", "data/"), List.of("config.json", "model.safetensors", "onnx/sub/x.json")),
                Arguments.of(List.of("data/"), List.of("*/sub/*"), List.of("data/file.json")),
                Arguments.of(List.of("data\\\\"), null, List.of()),
                Arguments.of(List.of(), null, List.of()),
                Arguments.of(null, List.of(), List.of("config.json", "model.safetensors", "onnx/model.onnx", "onnx/sub/x.json", "data/file.json", "data/sub/file.json", ".gitattributes", "README.md", "tokenizer/vocab.txt", "a[1].txt", "a1.txt", "].txt", "dir/.hidden", "Model.SafeTensors", "x-y.bin", "x-.bin", "b.bin", "c.bin", "z.bin", "-.bin", "!.bin", "^.bin", "line\nbreak.bin")),
                Arguments.of(List.of("tokenizer/", "*.md"), List.of("README*"), List.of("tokenizer/vocab.txt")),
                Arguments.of(null, null, List.of("config.json", "model.safetensors", "onnx/model.onnx", "onnx/sub/x.json", "data/file.json", "data/sub/file.json", ".gitattributes", "README.md", "tokenizer/vocab.txt", "a[1].txt", "a1.txt", "].txt", "dir/.hidden", "Model.SafeTensors", "x-y.bin", "x-.bin", "b.bin", "c.bin", "z.bin", "-.bin", "!.bin", "^.bin", "line\nbreak.bin")));
    }

    @ParameterizedTest(name = "allow={0} ignore={1}")
    @MethodSource("filterTable")
    void filterKeepsWhatFilterRepoObjectsKeeps(List<String> allow, List<String> ignore, List<String> expected) {
        assertEquals(expected, PATHS.stream().filter(PathPatterns.filter(allow, ignore)).toList());
    }

    @Test
    void patternEndingWithSlashMeansTheFolderAndItsSubfolders() {
        var onnx = PathPatterns.filter(List.of("onnx/"), null);
        assertEquals(Arrays.asList(true, true, false), Stream.of("onnx/model.onnx", "onnx/sub/x.json", "onnx")
                .map(onnx::test).toList());
    }

    @Test
    void backslashesInPathsCountAsSlashes() {
        assertEquals(true, PathPatterns.filter(List.of("data/*.json"), null).test("data\\file.json"));
    }
}
