package org.den4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {
    @Test
    void defaultsAreDenPrefixAndNoMapper() {
        AgentOptions o = AgentOptions.parse(null, new Properties(), Map.of());
        assertEquals("den:", o.prefix());
        assertNull(o.mapper());
        assertNull(o.backend());
        assertNull(o.save());
    }

    @Test
    void argumentsWinOverPropertiesWhichWinOverEnvironment() {
        Properties p = new Properties();
        p.setProperty("den4j.agent.prefix", "prop:");
        p.setProperty("den4j.agent.mapper", "/prop/map.json");
        Map<String, String> env = Map.of("DEN4J_AGENT_PREFIX", "env:", "DEN4J_AGENT_MAPPER", "/env/map.json",
                "DEN4J_AGENT_BACKEND", "shared", "DEN4J_AGENT_SAVE", "den-save:");
        AgentOptions o = AgentOptions.parse("prefix=arg:", p, env);
        assertEquals("arg:", o.prefix());
        assertEquals("/prop/map.json", o.mapper());
        assertEquals("shared", o.backend());
        assertEquals("den-save:", o.save());
    }

    @Test
    void allFourOptionsParseFromTheArgumentString() {
        AgentOptions o = AgentOptions.parse("prefix=den:,mapper=/path/map.properties,backend=team,save=den-save:",
                new Properties(), Map.of());
        assertEquals(new AgentOptions("den:", "/path/map.properties", "team", "den-save:"), o);
        assertEquals(o, AgentOptions.parse(o.toArguments(), new Properties(), Map.of()));
    }

    @Test
    void emptyPrefixIsKeptEmpty() {
        assertEquals("", AgentOptions.parse("prefix=", new Properties(), Map.of()).prefix());
        assertEquals("", AgentOptions.parse(null, new Properties(), Map.of("DEN4J_AGENT_PREFIX", "")).prefix());
    }

    @Test
    void unknownOptionIsRejectedWithTheKnownNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AgentOptions.parse("prefx=den:", new Properties(), Map.of()));
        assertEquals("den4j agent option 'prefx' is unknown; use one of prefix, mapper, backend, save", e.getMessage());
    }

    @Test
    void pairWithoutValueIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AgentOptions.parse("prefix", new Properties(), Map.of()));
        assertEquals("den4j agent option 'prefix' has no value; write name=value pairs separated by commas, "
                + "such as prefix=den:,mapper=/path/map.properties", e.getMessage());
    }
}
