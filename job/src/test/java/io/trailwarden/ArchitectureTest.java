package io.trailwarden;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The packages are the stages of a record's path, and each may use only the stages before it: source
 * → event → rules (model → load → compile → runtime) → finding → respond, with configuration below
 * everything and the job's wiring ({@code pipeline}) and the command line on top. The finding model
 * sits below the rules because rules produce findings; it knows nothing of how they are made.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.trailwarden");

    @Test
    void packagesAreLayeredAlongTheDataFlow() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("config").definedBy("io.trailwarden.config..")
                .layer("source").definedBy("io.trailwarden.source..")
                .layer("event").definedBy("io.trailwarden.event..")
                .layer("finding").definedBy("io.trailwarden.finding..")
                .layer("rules.model").definedBy("io.trailwarden.rules.model..")
                .layer("rules.load").definedBy("io.trailwarden.rules.load..")
                .layer("rules.compile").definedBy("io.trailwarden.rules.compile..")
                .layer("rules.sigma").definedBy("io.trailwarden.rules.sigma..")
                .layer("rules.runtime").definedBy("io.trailwarden.rules.runtime..")
                .layer("respond").definedBy("io.trailwarden.respond..")
                .layer("pipeline").definedBy("io.trailwarden.pipeline..")
                .layer("cli").definedBy("io.trailwarden.cli..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("pipeline").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("respond").mayOnlyBeAccessedByLayers("pipeline", "cli")
                .whereLayer("rules.runtime").mayOnlyBeAccessedByLayers("pipeline", "cli")
                .whereLayer("rules.sigma").mayOnlyBeAccessedByLayers("rules.runtime", "pipeline", "cli")
                .whereLayer("rules.compile").mayOnlyBeAccessedByLayers("rules.sigma", "rules.runtime", "pipeline", "cli")
                .whereLayer("rules.load").mayOnlyBeAccessedByLayers("rules.sigma", "rules.runtime", "pipeline", "cli")
                .whereLayer("rules.model")
                .mayOnlyBeAccessedByLayers("rules.load", "rules.compile", "rules.sigma", "rules.runtime", "pipeline", "cli")
                .whereLayer("finding")
                .mayOnlyBeAccessedByLayers(
                        "rules.model", "rules.load", "rules.compile", "rules.sigma", "rules.runtime", "respond", "pipeline", "cli")
                .whereLayer("event")
                .mayOnlyBeAccessedByLayers("finding", "rules.model", "rules.load", "rules.compile",
                        "rules.sigma", "rules.runtime", "respond", "pipeline", "cli")
                .whereLayer("source")
                .mayOnlyBeAccessedByLayers("event", "rules.load", "rules.sigma", "rules.runtime", "pipeline", "cli")
                .check(MAIN);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.trailwarden.(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void everyClassBelongsToAStage() {
        classes()
                .should().resideInAnyPackage("io.trailwarden.config..", "io.trailwarden.source..",
                        "io.trailwarden.event..", "io.trailwarden.finding..", "io.trailwarden.rules.model..",
                        "io.trailwarden.rules.load..", "io.trailwarden.rules.compile..", "io.trailwarden.rules.sigma..",
                        "io.trailwarden.rules.runtime..", "io.trailwarden.respond..", "io.trailwarden.pipeline..",
                        "io.trailwarden.cli..")
                .check(MAIN);
    }
}
