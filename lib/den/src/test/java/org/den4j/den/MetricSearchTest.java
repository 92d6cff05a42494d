package org.den4j.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Searching and sorting a real den by performance metrics: each operator, both orders, missing metrics. */
class MetricSearchTest {
    @TempDir
    Path tmp;
    Den den;

    @BeforeEach
    void seed() throws Exception {
        den = Den.at(tmp.resolve("den"));
        push("acme/fast", Map.of("f1", 0.5, "inference_time_ms", 12.0));
        push("acme/good", Map.of("f1", 0.8, "inference_time_ms", 95.0));
        push("acme/poor", Map.of("f1", 0.2, "inference_time_ms", 40.0));
        push("acme/untested", Map.of());
    }

    @AfterEach
    void close() {
        den.close();
    }

    private void push(String name, Map<String, Double> metrics) throws Exception {
        // the metrics in the file too, so that a second push of a name is a new version
        Path dir = DenRoundTripTest.model(tmp.resolve(name), "config.json",
                "{\"name\":\"" + name + "\",\"metrics\":\"" + metrics + "\"}");
        den.push(PushRequest.builder(dir, name).metadata(ModelMetadata.builder().metrics(metrics).build()).build());
    }

    private List<String> names(RegistryQuery.Builder query) {
        return den.search(query.build()).stream().map(ModelInfo::name).toList();
    }

    @Test
    void eachOperatorKeepsOnlyModelsThatHaveTheMetricAndMeetIt() {
        assertEquals(List.of("acme/fast", "acme/good"), names(RegistryQuery.builder().metric("f1>=0.5")));
        assertEquals(List.of("acme/fast", "acme/poor"), names(RegistryQuery.builder().metric("f1<=0.5")));
        assertEquals(List.of("acme/good"), names(RegistryQuery.builder().metric("f1 > 0.5")));
        assertEquals(List.of("acme/poor"), names(RegistryQuery.builder().metric("f1<0.5")));
        assertEquals(List.of("acme/fast"), names(RegistryQuery.builder().metric("f1=0.5")));
        assertEquals(List.of("acme/fast"), names(RegistryQuery.builder().metric("f1==5e-1")));
        // acme/untested has no f1: != does not keep it either
        assertEquals(List.of("acme/good", "acme/poor"), names(RegistryQuery.builder().metric("f1!=0.5")));
    }

    @Test
    void severalConditionsMustAllHold() {
        assertEquals(List.of("acme/fast"), names(RegistryQuery.builder().metric("f1>=0.5")
                .metric("inference_time_ms<50")));
        assertEquals(List.of(), names(RegistryQuery.builder().metric("f1>=0.5").metric("no_such_metric>0")));
    }

    @Test
    void sortAscendingAndDescendingPutsModelsWithoutTheMetricLast() {
        assertEquals(List.of("acme/fast", "acme/poor", "acme/good", "acme/untested"),
                names(RegistryQuery.builder().sortBy("inference_time_ms")));
        assertEquals(List.of("acme/good", "acme/poor", "acme/fast", "acme/untested"),
                names(RegistryQuery.builder().sortBy("-inference_time_ms")));
        assertEquals(List.of("acme/good", "acme/fast"), names(RegistryQuery.builder().metric("f1>=0.5")
                .sortBy(new MetricOrder("f1", true))));
    }

    @Test
    void latestOnlyIsTheLatestVersionThatMeetsTheConditions() throws Exception {
        push("acme/good", Map.of("f1", 0.1)); // acme/good@2 is worse
        assertEquals(List.of("acme/fast@1", "acme/good@1"), den.search(RegistryQuery.builder().metric("f1>=0.5")
                .latestOnly(true).build()).stream().map(ModelInfo::ref).toList());
        assertEquals(List.of("acme/good@2"), den.search(RegistryQuery.builder().metric("f1<0.15")
                .latestOnly(true).build()).stream().map(ModelInfo::ref).toList());
    }

    @Test
    void aMalformedConditionNamesTheTextAndTheAcceptedForm() {
        DenInputException e = assertThrows(DenInputException.class, () -> RegistryQuery.builder().metric("f1>=high"));
        assertEquals("Metric condition 'f1>=high' compares with 'high', which is not a number; write NAME OP "
                + "NUMBER with OP one of >=, <=, >, <, =, != (for example f1>=0.5)", e.getMessage());
        e = assertThrows(DenInputException.class, () -> MetricCondition.parse("f1 => 0.5"));
        assertEquals("Metric condition 'f1 => 0.5' is not of the form NAME OP NUMBER with OP one of >=, <=, >, <, =, "
                + "!= (for example f1>=0.5)", e.getMessage());
        e = assertThrows(DenInputException.class, () -> MetricCondition.parse("f1>=NaN"));
        assertEquals("Metric condition 'f1>=NaN' compares with 'NaN'; give a finite number, as in NAME OP NUMBER "
                + "with OP one of >=, <=, >, <, =, != (for example f1>=0.5)", e.getMessage());
        e = assertThrows(DenInputException.class, () -> MetricOrder.parse("-"));
        assertEquals("Sort by '-': give a metric name, NAME for ascending or -NAME for descending (for example -f1 "
                + "or inference_time_ms)", e.getMessage());
    }

    @Test
    void conditionsPrintAsTheyParseAndSurviveToBuilder() {
        MetricCondition c = MetricCondition.parse(" inference_time_ms <= 50 ");
        assertEquals("inference_time_ms<=50", c.toString());
        assertEquals(c, MetricCondition.parse(c.toString()));
        RegistryQuery q = RegistryQuery.builder().text("icd").metric(c).sortBy("-f1").latestOnly(true).build();
        assertEquals(q, q.toBuilder().build());
    }
}
