package org.den4j.hub.testhub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

/**
 * Answers the CDN host: LFS files at the pre-signed addresses the Hub host redirects to, with
 * the errors S3 gives for a second credential or a bad or expired signature.
 */
final class CdnHandler implements HttpHandler {

    private final LocalHub hub;

    CdnHandler(LocalHub hub) {
        this.hub = hub;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Reply reply = new Reply(exchange, hub.json);
        LocalHub.Logged logged = hub.log("cdn", exchange, reply);
        try {
            serve(exchange, reply);
        } finally {
            exchange.close();
            logged.finish();
        }
    }

    private void serve(HttpExchange exchange, Reply reply) throws IOException {
        URI uri = exchange.getRequestURI();
        Map<String, List<String>> query = Urls.query(uri.getRawQuery());
        String repoId = Urls.first(query, "x-repo");
        String path = Urls.first(query, "x-path");
        reply.repoId = repoId;
        reply.file = path;
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            s3Error(reply, 405, "MethodNotAllowed", "The specified method is not allowed");
            return;
        }
        if (exchange.getRequestHeaders().containsKey("Authorization")) {
            // A client must drop Authorization when a redirect leaves the Hub's host: the URL is
            // signed, and S3 refuses a request that carries two credentials.
            hub.sawCdnAuthorization();
            s3Error(reply, 400, "InvalidArgument", "Only one auth mechanism allowed; only the"
                    + " X-Amz-Algorithm query parameter, Signature query string parameter or the"
                    + " Authorization header should be specified");
            return;
        }
        List<String> segments = Urls.segments(uri.getRawPath());
        String expires = Urls.first(query, "Expires");
        String signature = Urls.first(query, "Signature");
        if (segments.size() != 5 || !segments.get(0).equals("repos") || repoId == null
                || path == null || expires == null || signature == null
                || !expires.matches("[0-9]{1,18}")) {
            s3Error(reply, 403, "AccessDenied", "Access Denied");
            return;
        }
        String sha256 = segments.get(4);
        String expected = hub.signature(sha256, repoId, path, Long.parseLong(expires));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            s3Error(reply, 403, "SignatureDoesNotMatch", "The request signature we calculated"
                    + " does not match the signature you provided.");
            return;
        }
        if (Long.parseLong(expires) < System.currentTimeMillis() / 1000) {
            s3Error(reply, 403, "AccessDenied", "Request has expired");
            return;
        }
        Content content = hub.lfsObject(sha256);
        if (content == null) {
            s3Error(reply, 404, "NoSuchKey", "The specified key does not exist.");
            return;
        }
        // An S3-style ETag that is deliberately not the SHA-256: clients must name blobs by the
        // X-Linked-Etag the Hub host sent, never by the CDN's ETag.
        reply.header("ETag", "\"" + sha256.substring(0, 32) + "\"");
        String disposition = Urls.first(query, "response-content-disposition");
        if (disposition != null) {
            reply.header("Content-Disposition", disposition);
        }
        hub.serveContent(exchange, reply, repoId, path, content, "application/octet-stream");
    }

    private static void s3Error(Reply reply, int status, String code, String message)
            throws IOException {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code
                + "</Code><Message>" + message + "</Message></Error>";
        reply.send(status, "application/xml", xml.getBytes(StandardCharsets.UTF_8));
    }
}
