package org.den4j.hub.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.den4j.hub.HubException;
import org.den4j.hub.HubFile;
import org.den4j.hub.HubUnreachableException;
import org.den4j.hub.RepoInfo;

/** The Hub's JSON API calls that downloads need (Python's {@code HfApi.repo_info} and {@code list_repo_tree}). */
public final class HubApi {
    private static final int PAGE_RETRIES = 3;
    private final HubHttp http;

    public HubApi(HubHttp http) {
        this.http = http;
    }

    /** {@code GET /api/models/{repo}/revision/{revision}}. */
    public RepoInfo repoInfo(String repoId, String revision) {
        URI url = http.revisionUrl(repoId, revision);
        HubHttp.Target target = new HubHttp.Target(repoId, revision, null);
        JsonNode body;
        try {
            body = http.getJson(url, target).body();
        } catch (IOException e) {
            throw unreachable(repoId, url, e);
        }
        String sha = body.path("sha").asText(null);
        if (sha == null || sha.isEmpty()) {
            throw new HubException(repoId, "The Hub at " + http.settings().endpoint() + " answered " + url
                    + " without a commit ('sha'); check HF_ENDPOINT points at a Hugging Face Hub or mirror");
        }
        HubAnswers.commit(repoId, url, sha); // it becomes snapshots/<sha> and the content of refs/<revision>
        JsonNode gated = body.get("gated");
        List<String> tags = new ArrayList<>();
        body.path("tags").forEach(t -> tags.add(t.asText()));
        List<String> siblings = new ArrayList<>();
        body.path("siblings").forEach(s -> {
            if (s.hasNonNull("rfilename")) {
                siblings.add(s.get("rfilename").asText());
            }
        });
        Instant lastModified = null;
        if (body.hasNonNull("lastModified")) {
            try {
                lastModified = Instant.parse(body.get("lastModified").asText());
            } catch (DateTimeParseException e) {
                // leave unknown
            }
        }
        return new RepoInfo(body.path("id").asText(repoId), sha, body.path("private").asBoolean(false),
                gated == null || gated.isNull() ? "false" : gated.asText(), lastModified, tags, siblings);
    }

    /**
     * Every file of {@code /api/models/{repo}/tree/{commit}?recursive=true}, following {@code Link: rel="next"}
     * pages.
     */
    public List<HubFile> listFiles(String repoId, String commit) {
        URI url = http.treeUrl(repoId, commit);
        HubHttp.Target target = new HubHttp.Target(repoId, commit, null);
        List<HubFile> files = new ArrayList<>();
        boolean first = true;
        while (url != null) {
            HubHttp.Page page = null;
            for (int attempt = 0; page == null; attempt++) {
                try {
                    page = http.getJson(url, target);
                } catch (IOException e) {
                    // Python retries the following pages, not the first one.
                    if (first || attempt >= PAGE_RETRIES) {
                        throw unreachable(repoId, url, e);
                    }
                    Backoff.sleep(attempt);
                }
            }
            try {
                files.addAll(TreeCache.parsePage(repoId, commit, page.body(), url));
            } catch (IllegalArgumentException e) {
                throw new HubException(repoId, "The Hub answered " + url + " with an unexpected listing ("
                        + e.getMessage() + "); check HF_ENDPOINT points at a Hugging Face Hub or mirror", e);
            }
            url = page.next();
            first = false;
        }
        return files;
    }

    static HubUnreachableException unreachable(String repoId, URI url, IOException e) {
        return new HubUnreachableException(repoId, url, "Cannot reach the Hub at " + url + " (" + e
                + "). Check your connection, proxy and HF_ENDPOINT; to work from the cache only, set HF_HUB_OFFLINE=1.",
                e);
    }
}
