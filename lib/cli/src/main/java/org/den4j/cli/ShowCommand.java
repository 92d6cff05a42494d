package org.den4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.den4j.den.Den;
import org.den4j.den.FileEntry;
import org.den4j.den.HardwareRequirements;
import org.den4j.den.IoSpec;
import org.den4j.den.Manifest;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.den4j.den.ProgressBar;
import org.den4j.den.format.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "show", description = "Shows one model version: digest, size, parent, aliases, tags, metadata, files.")
final class ShowCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "REF", description = "name, name@VERSION, name@ALIAS or sha256:PREFIX.")
    String ref;

    @Option(names = "--json", description = "Print the registry record, aliases and files as JSON.")
    boolean json;

    @Override
    int run(Den den) {
        ModelInfo model = den.show(ref);
        Manifest manifest = den.manifest(model.ref());
        List<String> aliases = den.aliases(model.name()).entrySet().stream()
                .filter(e -> e.getValue() == model.version()).map(Map.Entry::getKey).sorted().toList();
        if (json) {
            ObjectNode node = ModelListing.json(model);
            node.set("aliases", Json.MAPPER.valueToTree(aliases));
            node.set("files", Json.MAPPER.valueToTree(manifest.files()));
            ModelListing.printJson(out(), node);
            return ok();
        }
        PrintWriter out = out();
        out.println(model.ref());
        TextTable about = new TextTable("", "");
        about.row("digest", "sha256:" + model.digest());
        about.row("size", model.hasFiles() ? ProgressBar.bytes(model.size()) + " in " + model.fileCount() + " file(s)"
                : "no files: a registry entry" + (model.metadata().externalSource() == null ? "; push the files under "
                        + model.name() + " to attach them" : "; the bytes are at " + model.metadata().externalSource()));
        about.row("created", ModelListing.date(model.created()) + " UTC");
        about.row("parent", model.parent() == null ? "(base model)"
                : ModelListing.parent(model) + " (sha256:" + model.parent().substring(0, 12) + ")");
        about.row("aliases", String.join(", ", aliases));
        about.row("tags", String.join(", ", model.tags()));
        about.row("description", model.description());
        metadata(about, model.metadata());
        about.printRows(out);
        if (!model.hasFiles()) {
            out.flush();
            return ok();
        }
        out.println();
        TextTable files = new TextTable("FILE", ">SIZE", "SHA256");
        for (FileEntry f : manifest.files()) {
            files.row(f.path(), ProgressBar.bytes(f.size()), f.sha256().substring(0, 12));
        }
        files.print(out);
        return ok();
    }

    private static void metadata(TextTable about, ModelMetadata m) {
        if (m.displayName() != null) {
            about.row("display name", m.displayName());
        }
        if (m.modelType() != null) {
            about.row("type", m.modelType());
        }
        if (m.architecture() != null) {
            about.row("architecture", m.architecture());
        }
        if (!m.inputs().isEmpty()) {
            about.row("inputs", io(m.inputs()));
        }
        if (!m.outputs().isEmpty()) {
            about.row("outputs", io(m.outputs()));
        }
        if (!m.metrics().isEmpty()) {
            about.row("metrics", m.metrics().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", ")));
        }
        if (!m.hardware().isEmpty()) {
            about.row("hardware", hardware(m.hardware()));
        }
        if (!m.supportedBackends().isEmpty()) {
            about.row("backends", String.join(", ", m.supportedBackends()));
        }
        if (m.license() != null) {
            about.row("license", m.license());
        }
        if (m.sourceUrl() != null) {
            about.row("source", m.sourceUrl());
        }
        if (m.inferenceCode() != null) {
            about.row("inference code", m.inferenceCode());
        }
        if (!m.hfConfig().isEmpty()) {
            about.row("hf config", m.hfConfig().size() + " key(s)" + (m.hfConfig().containsKey("model_type")
                    ? ", model_type " + m.hfConfig().get("model_type") : ""));
        }
        m.extra().forEach(about::row);
    }

    /** For example {@code memory 2048 MiB (4096 recommended), 2 CPU cores, runs on CPU and GPU}. */
    static String hardware(HardwareRequirements h) {
        List<String> parts = new java.util.ArrayList<>();
        figure(parts, "memory", h.minMemoryMb(), h.recommendedMemoryMb(), " MiB");
        figure(parts, "GPU memory", h.minGpuMemoryMb(), h.recommendedGpuMemoryMb(), " MiB");
        figure(parts, "CPU cores", h.minCpuCores() == null ? null : h.minCpuCores().longValue(),
                h.recommendedCpuCores() == null ? null : h.recommendedCpuCores().longValue(), "");
        if (h.gpuRequired()) {
            parts.add("needs a GPU");
        }
        if (h.supportsCpu() != null || h.supportsGpu() != null) {
            parts.add("CPU " + yesNo(h.supportsCpu()) + ", GPU " + yesNo(h.supportsGpu()));
        }
        if (h.notes() != null) {
            parts.add(h.notes());
        }
        return String.join("; ", parts);
    }

    private static void figure(List<String> parts, String what, Long min, Long recommended, String unit) {
        if (min != null || recommended != null) {
            parts.add(what + " " + (min == null ? "" : min + unit + " min") + (min != null && recommended != null
                    ? ", " : "") + (recommended == null ? "" : recommended + unit + " recommended"));
        }
    }

    private static String yesNo(Boolean b) {
        return b == null ? "unknown" : b ? "yes" : "no";
    }

    private static String io(List<IoSpec> specs) {
        return specs.stream().map(s -> s.name() + " (" + s.dataType() + (s.dtype() == null ? "" : " " + s.dtype())
                + (s.shape().isEmpty() ? "" : " " + s.shape()) + (s.optional() ? ", optional" : "") + ")")
                .collect(Collectors.joining(", "));
    }
}
