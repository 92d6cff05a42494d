package org.den4j.hub.testhub;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.den4j.hub.testhub.LocalHub.RepoView;

/** Answers the Hub host's requests: the model API and {@code resolve} downloads. */
final class HubHandler implements HttpHandler {

    private static final Set<String> API_KEYWORDS = Set.of("revision", "tree", "refs", "paths-info");
    private static final Set<String> EXPANDABLE = Set.of("author", "cardData", "config",
            "createdAt", "disabled", "downloads", "gated", "lastModified", "library_name", "likes",
            "pipeline_tag", "private", "sha", "siblings", "spaces", "tags", "usedStorage");
    private static final int CARD_LIMIT = 1 << 20;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final LocalHub hub;
    private final ObjectMapper yaml = new YAMLMapper();

    HubHandler(LocalHub hub) {
        this.hub = hub;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Reply reply = new Reply(exchange, hub.json);
        LocalHub.Logged logged = hub.log("hub", exchange, reply);
        reply.header("X-Request-Id", hub.nextRequestId());
        try {
            route(exchange, reply);
        } catch (RuntimeException e) {
            if (reply.status != 0) {
                throw e;
            }
            reply.error(500, null, "LocalHub failed on " + exchange.getRequestURI() + ": " + e);
        } finally {
            exchange.close();
            logged.finish();
        }
    }

    /** A parsed request. {@code token} is null when no Authorization header came. */
    private record Call(HttpExchange exchange, Reply reply, String token,
            Map<String, List<String>> query) {
    }

    private void route(HttpExchange exchange, Reply reply) throws IOException {
        URI uri = exchange.getRequestURI();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String token = null;
        if (authorization != null) {
            token = authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? authorization.substring(7).trim() : "";
            if (!hub.knowsToken(token)) {
                reply.error(401, null, "Invalid credentials in Authorization header");
                return;
            }
        }
        String method = exchange.getRequestMethod();
        List<String> segments = Urls.segments(uri.getRawPath());
        boolean pathsInfo = segments.size() > 3 && segments.get(0).equals("api")
                && segments.subList(2, Math.min(5, segments.size())).contains("paths-info");
        if (!method.equals("GET") && !method.equals("HEAD") && !(pathsInfo && method.equals("POST"))) {
            reply.header("Allow", pathsInfo ? "POST" : "GET, HEAD");
            reply.error(405, null, "LocalHub answers only GET and HEAD (and POST to paths-info),"
                    + " not " + method + " " + uri.getRawPath());
            return;
        }
        Call call = new Call(exchange, reply, token, Urls.query(uri.getRawQuery()));
        if (segments.size() >= 2 && segments.get(0).equals("api") && segments.get(1).equals("models")) {
            api(call, segments.subList(2, segments.size()));
        } else if (segments.size() >= 3 && segments.get(0).equals("api")
                && segments.get(1).equals("resolve-cache") && segments.get(2).equals("models")) {
            resolveCache(call, segments.subList(3, segments.size()));
        } else {
            int at = segments.size() > 2 && segments.get(2).equals("resolve") ? 2
                    : segments.size() > 1 && segments.get(1).equals("resolve") ? 1 : -1;
            if (at < 0 || segments.size() < at + 3) {
                reply.error(404, null, "Sorry, we can't find the page you are looking for.");
                return;
            }
            String repoId = String.join("/", segments.subList(0, at));
            String revision = segments.get(at + 1);
            String path = String.join("/", segments.subList(at + 2, segments.size()));
            resolve(call, repoId, revision, path);
        }
    }

    // ---- /api/models ----

    private void api(Call call, List<String> rest) throws IOException {
        int at = rest.size() > 2 && API_KEYWORDS.contains(rest.get(2)) ? 2
                : rest.size() > 1 && API_KEYWORDS.contains(rest.get(1)) ? 1 : -1;
        if (at < 0) {
            if (rest.isEmpty() || rest.size() > 2) {
                call.reply.error(404, null, "Sorry, we can't find the page you are looking for.");
                return;
            }
            info(call, String.join("/", rest), "main");
            return;
        }
        String repoId = String.join("/", rest.subList(0, at));
        List<String> after = rest.subList(at + 1, rest.size());
        switch (rest.get(at)) {
            case "revision" -> {
                if (after.isEmpty()) {
                    call.reply.error(404, null, "Sorry, we can't find the page you are looking for.");
                } else {
                    info(call, repoId, String.join("/", after));
                }
            }
            case "tree" -> {
                if (after.isEmpty()) {
                    call.reply.error(404, null, "Sorry, we can't find the page you are looking for.");
                } else {
                    tree(call, repoId, after.get(0), String.join("/", after.subList(1, after.size())));
                }
            }
            case "paths-info" -> {
                if (after.isEmpty() || !call.exchange.getRequestMethod().equals("POST")) {
                    call.reply.header("Allow", "POST");
                    call.reply.error(405, null, "paths-info takes a POST");
                } else {
                    pathsInfo(call, repoId, String.join("/", after));
                }
            }
            default -> refs(call, repoId);
        }
    }

    private void info(Call call, String repoId, String revision) throws IOException {
        RepoView repo = open(call, repoId, revision, false, "/api/models/");
        if (repo == null) {
            return;
        }
        if (hub.faults.endlessJson()) {
            call.reply.endlessJson();
            return;
        }
        Commit commit = repo.commit();
        boolean blobs = truthy(Urls.first(call.query, "blobs"));
        List<Map<String, Object>> siblings = new ArrayList<>();
        long storage = 0;
        for (Map.Entry<String, Blob> file : commit.files().entrySet()) {
            Blob blob = file.getValue();
            storage += blob.size();
            Map<String, Object> sibling = new LinkedHashMap<>();
            sibling.put("rfilename", file.getKey());
            if (blobs) {
                sibling.put("blobId", blob.gitId());
                sibling.put("size", blob.size());
                if (blob.lfs()) {
                    sibling.put("lfs", Map.of("sha256", blob.sha256(), "size", blob.size(),
                            "pointerSize", blob.pointerSize()));
                }
            }
            siblings.add(sibling);
        }
        Map<String, Object> card = frontMatter(commit.files().get("README.md"));
        List<String> tags = new ArrayList<>();
        if (card != null && card.get("tags") instanceof List<?> cardTags) {
            cardTags.forEach(tag -> tags.add(String.valueOf(tag)));
        }
        if (card != null && card.get("license") != null) {
            tags.add("license:" + card.get("license"));
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("_id", GitObjects.sha1(repo.id().getBytes(StandardCharsets.UTF_8)).substring(0, 24));
        info.put("id", repo.id());
        info.put("modelId", repo.id());
        if (repo.id().contains("/")) {
            info.put("author", repo.id().substring(0, repo.id().indexOf('/')));
        }
        info.put("sha", hub.faults.commitId(commit.sha()));
        info.put("lastModified", iso(commit.epochSeconds()));
        info.put("createdAt", iso(repo.createdEpochSeconds()));
        info.put("private", repo.isPrivate());
        info.put("gated", repo.gated() ? "manual" : Boolean.FALSE);
        info.put("disabled", false);
        info.put("downloads", 0);
        info.put("likes", 0);
        if (card != null) {
            info.put("cardData", card);
            if (card.get("library_name") != null) {
                info.put("library_name", card.get("library_name"));
            }
            if (card.get("pipeline_tag") != null) {
                info.put("pipeline_tag", card.get("pipeline_tag"));
            }
        }
        info.put("tags", tags);
        Map<String, Object> config = config(commit.files().get("config.json"));
        if (config != null) {
            info.put("config", config);
        }
        info.put("siblings", siblings);
        info.put("spaces", List.of());
        info.put("usedStorage", storage);
        List<String> expand = new ArrayList<>();
        expand.addAll(call.query.getOrDefault("expand", List.of()));
        expand.addAll(call.query.getOrDefault("expand[]", List.of()));
        if (!expand.isEmpty()) {
            Map<String, Object> some = new LinkedHashMap<>();
            some.put("_id", info.get("_id"));
            some.put("id", info.get("id"));
            for (String property : expand) {
                if (!EXPANDABLE.contains(property)) {
                    call.reply.error(400, null, "\"expand\" must be one of "
                            + new java.util.TreeSet<>(EXPANDABLE) + ", not " + property);
                    return;
                }
                if (info.containsKey(property)) {
                    some.put(property, info.get(property));
                }
            }
            info = some;
        }
        call.reply.json(200, info);
    }

    private void tree(Call call, String repoId, String revision, String folder) throws IOException {
        RepoView repo = open(call, repoId, revision, false, "/api/models/");
        if (repo == null) {
            return;
        }
        if (hub.faults.endlessJson()) {
            call.reply.endlessJson();
            return;
        }
        Commit commit = repo.commit();
        if (!folder.isEmpty() && !commit.trees().containsKey(folder)) {
            call.reply.header("X-Repo-Commit", commit.sha());
            call.reply.error(404, "EntryNotFound", commit.files().containsKey(folder)
                    ? folder + " is a file, not a folder, on \"" + revision + "\""
                    : folder + " does not exist on \"" + revision + "\"");
            return;
        }
        boolean recursive = truthy(Urls.first(call.query, "recursive"));
        String prefix = folder.isEmpty() ? "" : folder + "/";
        TreeMap<String, Map<String, Object>> entries = new TreeMap<>();
        boolean expand = truthy(Urls.first(call.query, "expand"));
        commit.trees().forEach((path, id) -> {
            if (!path.isEmpty() && listed(path, prefix, recursive)) {
                entries.put(path, expanded(folderEntry(path, id), repo, path, expand));
            }
        });
        commit.files().forEach((path, blob) -> {
            if (listed(path, prefix, recursive)) {
                entries.put(path, expanded(fileEntry(path, blob, hub.faults), repo, path, expand));
            }
        });
        List<Map<String, Object>> all = new ArrayList<>(entries.values());
        int from;
        try {
            String cursor = Urls.first(call.query, "cursor");
            from = cursor == null ? 0 : Integer.parseInt(
                    new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            call.reply.error(400, null, "Invalid cursor");
            return;
        }
        int to = Math.min(all.size(), from + hub.treePageSize);
        if (to < all.size()) {
            call.reply.header("Link", "<" + nextPage(call, to) + ">; rel=\"next\"");
        }
        call.reply.json(200, all.subList(Math.min(from, all.size()), to));
    }

    /**
     * {@code POST /api/models/{repo}/paths-info/{rev}}: the tree entries of the paths asked for
     * (JSON {@code {"paths": [...]}} as huggingface.js sends, or the form fields
     * {@code paths=...&paths=...} as huggingface_hub sends); paths that do not exist are left out.
     */
    private void pathsInfo(Call call, String repoId, String revision) throws IOException {
        byte[] body = call.exchange.getRequestBody().readNBytes(CARD_LIMIT);
        RepoView repo = open(call, repoId, revision, false, "/api/models/");
        if (repo == null) {
            return;
        }
        List<String> paths = new ArrayList<>();
        boolean expand;
        String type = call.exchange.getRequestHeaders().getFirst("Content-Type");
        try {
            if (type != null && type.startsWith("application/json")) {
                JsonNode node = hub.json.readTree(body);
                if (node != null && node.get("paths") != null) {
                    node.get("paths").forEach(path -> paths.add(path.asText()));
                }
                expand = node != null && node.path("expand").asBoolean(false);
            } else {
                Map<String, List<String>> form = Urls.query(new String(body, StandardCharsets.UTF_8));
                paths.addAll(form.getOrDefault("paths", List.of()));
                expand = truthy(Urls.first(form, "expand"));
            }
        } catch (IOException e) {
            call.reply.error(400, null, "paths-info needs a JSON body {\"paths\": [...]} or"
                    + " form fields paths=...: " + e.getMessage());
            return;
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        for (String path : paths) {
            String clean = path.replaceAll("^/+|/+$", "");
            Blob blob = repo.commit().files().get(clean);
            String folder = repo.commit().trees().get(clean);
            if (blob != null) {
                entries.add(expanded(fileEntry(clean, blob, hub.faults), repo, clean, expand));
            } else if (folder != null && !clean.isEmpty()) {
                entries.add(expanded(folderEntry(clean, folder), repo, clean, expand));
            }
        }
        call.reply.json(200, entries);
    }

    /** With {@code expand}, adds the Hub's {@code lastCommit: {id, title, date}} to an entry. */
    private static Map<String, Object> expanded(Map<String, Object> entry, RepoView repo,
            String path, boolean expand) {
        if (expand) {
            Commit last = repo.lastChange(path);
            Map<String, Object> lastCommit = new LinkedHashMap<>();
            lastCommit.put("id", last.sha());
            lastCommit.put("title", last.message().lines().findFirst().orElse(""));
            lastCommit.put("date", iso(last.epochSeconds()));
            entry.put("lastCommit", lastCommit);
        }
        return entry;
    }

    private static Map<String, Object> fileEntry(String path, Blob blob, Faults faults) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", "file");
        entry.put("oid", blob.gitId());
        entry.put("size", blob.size());
        if (blob.lfs()) {
            entry.put("lfs", Map.of("oid", faults.lfsOid(path, blob.sha256()), "size", blob.size(),
                    "pointerSize", blob.pointerSize()));
        }
        entry.put("path", path);
        return entry;
    }

    private static Map<String, Object> folderEntry(String path, String treeId) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", "directory");
        entry.put("oid", treeId);
        entry.put("size", 0);
        entry.put("path", path);
        return entry;
    }

    private static boolean listed(String path, String prefix, boolean recursive) {
        return path.startsWith(prefix) && (recursive || path.indexOf('/', prefix.length()) < 0);
    }

    /** The next page's absolute address: this request's, with the next cursor. */
    private String nextPage(Call call, int from) {
        URI uri = call.exchange.getRequestURI();
        StringBuilder url = new StringBuilder(hub.baseUrl()).append(uri.getRawPath()).append('?');
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                if (!pair.isEmpty() && !pair.startsWith("cursor=")) {
                    url.append(pair).append('&');
                }
            }
        }
        String cursor = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Integer.toString(from).getBytes(StandardCharsets.UTF_8));
        return url.append("cursor=").append(cursor).toString();
    }

    private void refs(Call call, String repoId) throws IOException {
        RepoView repo = open(call, repoId, null, false, "/api/models/");
        if (repo == null) {
            return;
        }
        List<Map<String, Object>> branches = new ArrayList<>();
        new TreeMap<>(repo.branches()).forEach((name, sha) -> branches.add(
                Map.of("name", name, "ref", "refs/heads/" + name, "targetCommit", sha)));
        List<Map<String, Object>> tags = new ArrayList<>();
        new TreeMap<>(repo.tags()).forEach((name, sha) -> tags.add(
                Map.of("name", name, "ref", "refs/tags/" + name, "targetCommit", sha)));
        Map<String, Object> refs = new LinkedHashMap<>();
        refs.put("branches", branches);
        refs.put("converts", List.of());
        refs.put("tags", tags);
        call.reply.json(200, refs);
    }

    // ---- downloads ----

    private void resolve(Call call, String repoId, String revision, String path)
            throws IOException {
        RepoView repo = open(call, repoId, revision, true, "/");
        if (repo == null) {
            return;
        }
        Reply reply = call.reply;
        Commit commit = repo.commit();
        reply.repoId = repo.id();
        reply.file = path;
        reply.header("X-Repo-Commit", hub.faults.commitId(commit.sha()));
        Blob blob = commit.files().get(path);
        if (blob == null) {
            reply.error(404, "EntryNotFound", "Entry not found");
            return;
        }
        if (blob.lfs()) {
            String location = hub.cdnLocation(repo.id(), path, blob, disposition(path));
            reply.header("X-Linked-Etag", "\"" + hub.faults.lfsOid(path, blob.sha256()) + "\"");
            reply.header("X-Linked-Size", Long.toString(blob.size()));
            // The ETag of the redirect itself, as the Hub's web server computes one for any body;
            // the file's own ETag is X-Linked-Etag.
            String body = "Found. Redirecting to " + location;
            reply.header("ETag", weakEtag(body));
            reply.redirect(302, location);
        } else if (hub.resolveCache) {
            reply.header("ETag", "\"" + blob.gitId() + "\"");
            reply.redirect(307, "/api/resolve-cache/models/" + repo.id() + "/" + commit.sha() + "/"
                    + Urls.encodePath(path) + "?etag=" + Urls.encode("\"" + blob.gitId() + "\""));
        } else {
            serveGitFile(call, repo, blob, path);
        }
    }

    private void resolveCache(Call call, List<String> rest) throws IOException {
        int at = rest.size() > 2 && rest.get(2).matches("[0-9a-f]{40}") ? 2
                : rest.size() > 1 && rest.get(1).matches("[0-9a-f]{40}") ? 1 : -1;
        if (at < 0 || rest.size() < at + 2) {
            call.reply.error(404, null, "Sorry, we can't find the page you are looking for.");
            return;
        }
        String repoId = String.join("/", rest.subList(0, at));
        String path = String.join("/", rest.subList(at + 1, rest.size()));
        RepoView repo = open(call, repoId, rest.get(at), true, "/api/resolve-cache/models/");
        if (repo == null) {
            return;
        }
        call.reply.repoId = repo.id();
        call.reply.file = path;
        call.reply.header("X-Repo-Commit", repo.commit().sha());
        Blob blob = repo.commit().files().get(path);
        if (blob == null || blob.lfs()) {
            call.reply.error(404, "EntryNotFound", "Entry not found");
            return;
        }
        serveGitFile(call, repo, blob, path);
    }

    private void serveGitFile(Call call, RepoView repo, Blob blob, String path) throws IOException {
        Reply reply = call.reply;
        String etag = "\"" + blob.gitId() + "\"";
        reply.header("ETag", etag);
        reply.header("Content-Disposition", disposition(path));
        if (etag.equals(call.exchange.getRequestHeaders().getFirst("If-None-Match"))) {
            reply.send(304, null, new byte[0]);
            return;
        }
        hub.serveContent(call.exchange, reply, repo.id(), path, blob.content(), contentType(path));
    }

    // ---- access ----

    /**
     * The repository and commit a request names, or null after answering the Hub's error:
     * a redirect for a renamed repository, {@code RepoNotFound}, {@code GatedRepo} (downloads
     * only) or {@code RevisionNotFound}.
     */
    private RepoView open(Call call, String repoId, String revision, boolean download,
            String prefix) throws IOException {
        Reply reply = call.reply;
        String newId = hub.renamedTo(repoId);
        if (newId != null) {
            URI uri = call.exchange.getRequestURI();
            String rawPath = uri.getRawPath();
            int start = rawPath.indexOf(repoId, prefix.length() - 1);
            String location = rawPath.substring(0, start) + newId
                    + rawPath.substring(start + repoId.length())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            reply.redirect(307, location);
            return null;
        }
        RepoView repo = hub.view(repoId, revision);
        String token = call.token;
        if (repo == null || (repo.isPrivate() && (token == null || !repo.privateFor().contains(token)))) {
            // Like the Hub: a stranger learns nothing, not even whether a private repo exists.
            if (token == null) {
                reply.error(401, "RepoNotFound", "Invalid username or password.");
            } else {
                reply.error(404, "RepoNotFound", "Repository not found");
            }
            return null;
        }
        if (download && repo.gated() && (token == null || !repo.gatedFor().contains(token))) {
            if (token == null) {
                reply.error(401, "GatedRepo", "Access to model " + repo.id() + " is restricted."
                        + " You must have access to it and be authenticated to access it."
                        + " Please log in.");
            } else {
                reply.error(403, "GatedRepo", "Access to model " + repo.id() + " is restricted"
                        + " and you are not in the authorized list. Visit " + hub.baseUrl() + "/"
                        + repo.id() + " to ask for access.");
            }
            return null;
        }
        if (revision != null && repo.commit() == null) {
            reply.error(404, "RevisionNotFound", "Invalid rev id: " + revision);
            return null;
        }
        return repo;
    }

    // ---- helpers ----

    private Map<String, Object> frontMatter(Blob readme) {
        String text = smallText(readme);
        if (text == null || !text.startsWith("---")) {
            return null;
        }
        int end = text.indexOf("\n---", 3);
        if (end < 0) {
            return null;
        }
        try {
            JsonNode node = yaml.readTree(text.substring(3, end));
            return node != null && node.isObject() ? hub.json.convertValue(node, MAP) : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private Map<String, Object> config(Blob configJson) {
        String text = smallText(configJson);
        if (text == null) {
            return null;
        }
        try {
            JsonNode node = hub.json.readTree(text);
            if (node == null || !node.isObject()) {
                return null;
            }
            Map<String, Object> config = new LinkedHashMap<>();
            for (String key : List.of("architectures", "model_type")) {
                if (node.has(key)) {
                    config.put(key, hub.json.convertValue(node.get(key), Object.class));
                }
            }
            return config;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String smallText(Blob blob) {
        if (blob == null || blob.lfs() || blob.size() > CARD_LIMIT) {
            return null;
        }
        try (InputStream in = blob.content().open(0)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    static String disposition(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return "inline; filename*=UTF-8''" + Urls.encode(name) + "; filename=\""
                + name.replace("\"", "") + "\";";
    }

    static String contentType(String path) {
        String name = path.toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".json")) {
            return "application/json; charset=utf-8";
        }
        if (name.endsWith(".md") || name.endsWith(".txt") || name.endsWith(".yaml")
                || name.endsWith(".yml") || name.endsWith(".py") || name.equals(".gitattributes")
                || name.endsWith("/.gitattributes")) {
            return "text/plain; charset=utf-8";
        }
        return "application/octet-stream";
    }

    /** An Express-style weak ETag of a body: {@code W/"<hex length>-<base64 sha1>"}. */
    private static String weakEtag(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String sha1 = GitObjects.sha1(bytes);
        byte[] raw = java.util.HexFormat.of().parseHex(sha1);
        String b64 = Base64.getEncoder().withoutPadding().encodeToString(raw).substring(0, 27);
        return "W/\"" + Integer.toHexString(bytes.length) + "-" + b64 + "\"";
    }

    private static boolean truthy(String value) {
        return value != null && (value.equalsIgnoreCase("true") || value.equals("1"));
    }

    private static String iso(long epochSeconds) {
        return Instant.ofEpochSecond(epochSeconds).toString().replace("Z", ".000Z");
    }
}
