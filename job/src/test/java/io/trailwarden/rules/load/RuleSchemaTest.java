package io.trailwarden.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.event.EventJson;
import io.trailwarden.rules.model.ConditionSpec;
import io.trailwarden.rules.runtime.RepoRules;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schema shipped for editors (rules/schema/rule.schema.json) must describe the language the
 * loader accepts: the same keys at every level, and every catalogue file must point editors to it.
 */
class RuleSchemaTest {
    private static JsonNode schema() throws Exception {
        return EventJson.MAPPER.readTree(Files.readString(RepoRules.directory().resolve("schema/rule.schema.json")));
    }

    private static List<String> keys(JsonNode object) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            keys.add(names.next());
        }
        return keys;
    }

    @Test
    void schemaListsExactlyTheKeysTheLoaderAccepts() throws Exception {
        JsonNode schema = schema();
        JsonNode detection = schema.at("/properties/detection/properties");
        JsonNode defs = schema.at("/$defs");
        assertThat(keys(schema.get("properties"))).containsExactlyInAnyOrderElementsOf(RuleLoader.RULE_KEYS);
        assertThat(keys(detection)).containsExactlyInAnyOrderElementsOf(RuleLoader.DETECTION_KEYS);
        assertThat(keys(detection.at("/match/properties"))).containsExactlyInAnyOrderElementsOf(RuleLoader.MATCH_KEYS);
        assertThat(keys(detection.at("/threshold/properties"))).containsExactlyInAnyOrderElementsOf(RuleLoader.THRESHOLD_KEYS);
        assertThat(keys(detection.at("/sequence/properties"))).containsExactlyInAnyOrderElementsOf(RuleLoader.SEQUENCE_KEYS);
        assertThat(keys(detection.at("/sequence/properties/absent/properties"))).containsExactlyInAnyOrderElementsOf(RuleLoader.ABSENT_KEYS);
        assertThat(keys(defs.at("/step/properties"))).containsExactlyInAnyOrderElementsOf(RuleLoader.STEP_KEYS);
        assertThat(keys(schema.at("/properties/response/properties"))).containsExactlyInAnyOrderElementsOf(RuleLoader.RESPONSE_KEYS);
        assertThat(keys(schema.at("/properties/response/properties/contain/oneOf/1/properties")))
                .containsExactlyInAnyOrderElementsOf(RuleLoader.CONTAIN_KEYS);
        assertThat(keys(schema.at("/properties/tests/items/properties"))).containsExactlyInAnyOrderElementsOf(RuleLoader.TEST_KEYS);
        List<String> operators = new ArrayList<>(RuleLoader.CONDITION_OPTION_KEYS);
        for (ConditionSpec.Operator operator : ConditionSpec.Operator.values()) {
            operators.add(operator.yamlName);
        }
        assertThat(keys(defs.at("/operators/properties"))).containsExactlyInAnyOrderElementsOf(operators);
        assertThat(keys(defs.at("/condition/properties"))).containsExactlyInAnyOrderElementsOf(RuleLoader.CONDITION_GROUP_KEYS);
    }

    @Test
    void everyRuleFileNamesTheSchemaForEditors() {
        for (RuleLoader.Source source : RepoRules.sources()) {
            assertThat(source.text).as(source.name).startsWith("# yaml-language-server: $schema=schema/rule.schema.json\n");
        }
    }

    @Test
    void theCatalogueIsValid() throws Exception {
        assertThat(RepoRules.load()).hasSize(RepoRules.sources().size());
    }
}
