package io.trailwarden.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.finding.Finding;
import io.trailwarden.respond.ResponseReport;
import io.trailwarden.rules.compile.RuleEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The types that cross shuffles or live in state are serialized by Flink's own serializers all the
 * way down: a generic type anywhere inside one means Kryo, reflection per field, and a format that
 * changes with the class.
 */
class StreamTypesTest {

    @ParameterizedTest
    @ValueSource(classes = {CloudTrailEvent.class, RuleEvent.class, Finding.class, ResponseReport.class, DeadLetter.class})
    void noPartOfTheTypeFallsBackToKryo(Class<?> type) {
        assertThat(TypeInformation.of(type).toString()).doesNotContain("GenericType");
    }
}
