package org.den4j.serve.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The coder API's meters, scraped at {@code GET /metrics} in Prometheus text format:
 * {@code den4j_api_requests_total{method,route,status}}, the latency histogram
 * {@code den4j_api_request_duration_seconds_bucket{method,route,status,le}}, {@code den4j_model_info{name,version,
 * digest,kind}} (1 for the served coder), {@code den4j_model_ready}, {@code den4j_model_loads_total{result}}, the
 * {@code den4j_model_load_duration_seconds} of each load, and {@code den4j_model_swaps_total}.
 */
final class ApiMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge modelInfo;
    private final AtomicInteger ready = new AtomicInteger();
    private final Counter swaps;
    private final Timer loadDuration;

    ApiMetrics() {
        modelInfo = MultiGauge.builder("den4j.model.info").description("The served coder (value 1)")
                .register(registry);
        Gauge.builder("den4j.model.ready", ready, AtomicInteger::get)
                .description("1 once a coder is loaded and served, else 0").register(registry);
        swaps = Counter.builder("den4j.model.swaps").description("Coders replaced by a newer load")
                .register(registry);
        loadDuration = Timer.builder("den4j.model.load.duration").description("Time to load a coder")
                .register(registry);
        for (String result : List.of("success", "failure")) {
            loads(result);
        }
    }

    private Counter loads(String result) {
        return Counter.builder("den4j.model.loads").description("Coder loads by result").tag("result", result)
                .register(registry);
    }

    /** Counts one answered request; {@code route} is the matched path pattern. */
    void request(String method, String route, int status, long nanos) {
        Tags tags = Tags.of("method", method, "route", route, "status", String.valueOf(status));
        Counter.builder("den4j.api.requests").description("Requests answered, by route and status").tags(tags)
                .register(registry).increment();
        Timer.builder("den4j.api.request.duration").description("Request latency, by route and status").tags(tags)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry)
                .record(Duration.ofNanos(nanos));
    }

    /** Records a load attempt. */
    void load(boolean success, long millis) {
        loads(success ? "success" : "failure").increment();
        if (success) {
            loadDuration.record(Duration.ofMillis(millis));
        }
    }

    /** The served coder changed ({@code swap}: it replaced another). */
    void served(ModelIdentity id, boolean swap) {
        modelInfo.register(List.of(MultiGauge.Row.of(Tags.of("name", id.name(),
                "version", id.version() == null ? "" : String.valueOf(id.version()),
                "digest", id.digest() == null ? "" : id.digest(), "kind", id.kind()), 1)), true);
        ready.set(1);
        if (swap) {
            swaps.increment();
        }
    }

    /** The Prometheus text of every meter. */
    String scrape() {
        return registry.scrape();
    }

    /** The content type of {@link #scrape()}. */
    static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }
}
