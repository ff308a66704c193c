package io.trailwarden.production;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.dag.Transformation;
import org.junit.jupiter.api.Test;

/**
 * The types that cross shuffles or live in state are serialized by Flink's own serializers all the
 * way down: a generic type anywhere inside one means Kryo, reflection per field, and a format that
 * changes with the class. Read off the production graph itself, so a new edge cannot be forgotten:
 * every operator's output is what crosses its edge, and every keyed operator keeps its input in state
 * (CEP buffers, threshold windows, the async operator's checkpointed queue of response plans).
 */
class StreamTypesTest {

    @Test
    void noTypeOnAnyEdgeOfTheProductionGraphFallsBackToKryo() throws Exception {
        List<String> generic = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Transformation<?> transformation : ProductionGraph.transformations(ProductionGraph.build(2))) {
            TypeInformation<?> type = transformation.getOutputType();
            seen.add(type.getTypeClass().getSimpleName());
            if (type.toString().contains("GenericType")) {
                generic.add(transformation.getName() + ": " + type);
            }
        }

        assertThat(seen).contains("RawInput", "CloudTrailEvent", "RuleEvent", "Finding", "ResponsePlan",
                "ResponseReport", "ActionResult", "DeadLetter");
        assertThat(generic).isEmpty();
    }
}
