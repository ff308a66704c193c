package io.trailwarden.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.trailwarden.config.DetectionConfig;
import io.trailwarden.config.ListsConfig;
import io.trailwarden.event.EventJson;
import io.trailwarden.rules.model.ConditionSpec;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.rules.model.Transform;
import io.trailwarden.rules.runtime.RepoRules;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
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
        assertThat(keys(schema.at("/properties/tests/items/properties/events/items/oneOf/1/properties")))
                .containsExactlyInAnyOrderElementsOf(RuleLoader.CORPUS_RECORD_KEYS);
        assertThat(keys(schema.at("/properties/target/oneOf/1/properties"))).containsExactlyInAnyOrderElementsOf(RuleLoader.TARGET_KEYS);
        assertThat(schema.at("/properties/severity/enum")).extracting(JsonNode::asText)
                .containsExactlyElementsOf(RuleLoader.SEVERITIES);
        List<String> transforms = new ArrayList<>();
        for (Transform transform : Transform.values()) {
            if (transform != Transform.NONE) {
                transforms.add(transform.yamlName);
            }
        }
        assertThat(schema.at("/$defs/transform/enum")).extracting(JsonNode::asText).containsExactlyElementsOf(transforms);
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

    private static JsonSchema validator() throws Exception {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema());
    }

    private static JsonNode yaml(String text) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(text);
    }

    /** The build validates every catalogue file against the schema editors use, not only with the loader. */
    @Test
    void everyCatalogueFileSatisfiesTheSchema() throws Exception {
        JsonSchema validator = validator();
        for (RuleLoader.Source source : RepoRules.sources()) {
            Set<ValidationMessage> problems = validator.validate(yaml(source.text));
            assertThat(problems).as(source.name).isEmpty();
        }
    }

    /** What the schema rejects, the loader rejects too: one language, two checkers that agree. */
    @Test
    void theSchemaAndTheLoaderRejectTheSameMistakes() throws Exception {
        JsonSchema validator = validator();
        String valid = Files.readString(RepoRules.directory().resolve("iam-user-created.yaml"));
        RuleLoader loader = new RuleLoader(ListsConfig.defaults().lists.keySet(), DetectionConfig.defaults().maxRuleWindow);
        for (String[] mistake : new String[][] {
            {"severity: high", "severity: High"},
            {"severity: high", "severity: urgent"},
            {"    where:", "    wher:"},
            {"title:", "titel:"},
            {"eventName: CreateUser", "eventName: {equal: CreateUser}"},
            {"eventName: CreateUser", "eventName: {equals: CreateUser, transform: upper}"},
            {"tactics: [persistence]", "tactics: [defense-evasion]"},
            {"tactics: [persistence]", "tactics: [persistence, persistence]"},
            {"tactics: [persistence]", "tactics: []"},
            {"  reason: >-", "  reasn: >-"},
        }) {
            assertThat(valid).contains(mistake[0]);
            String broken = valid.replaceFirst(java.util.regex.Pattern.quote(mistake[0]), mistake[1]);
            assertThat(validator.validate(yaml(broken))).as("schema on " + mistake[1]).isNotEmpty();
            List<RuleError> errors = new ArrayList<>();
            loader.load(List.of(new RuleLoader.Source("rules/iam-user-created.yaml", broken)), errors);
            assertThat(errors).as("loader on " + mistake[1]).isNotEmpty();
        }
    }

    @Test
    void theCatalogueIsValid() throws Exception {
        assertThat(RepoRules.load()).hasSize(RepoRules.sources().size());
    }
}
