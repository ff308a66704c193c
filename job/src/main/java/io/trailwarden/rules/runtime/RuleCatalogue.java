package io.trailwarden.rules.runtime;

import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.DetectionConfig;
import io.trailwarden.config.RulesConfig;
import io.trailwarden.config.S3Location;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.load.S3RuleSources;
import io.trailwarden.rules.model.InvalidRulesException;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.rules.sigma.SigmaConversion;
import io.trailwarden.rules.sigma.SigmaConverter;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Finds and loads the catalogue: from the copy packaged into the jar (the repository's rules/ folder,
 * the default), from a directory, or from an {@code s3://bucket/prefix/} location; Sigma rule files at
 * the location are converted and loaded with the rest. Loading validates
 * everything; an invalid catalogue is an {@link InvalidRulesException}, so the job refuses to start.
 */
public final class RuleCatalogue {
    /** Where the build puts the repository's rules/ folder inside the jar. */
    public static final String CLASSPATH_FOLDER = "trailwarden-rules";
    private static final String MARKER = CLASSPATH_FOLDER + "/schema/rule.schema.json";

    private RuleCatalogue() {}

    public static List<Rule> load(TrailWardenConfig config) throws InvalidRulesException, IOException {
        List<RuleError> errors = new ArrayList<>();
        List<Rule> rules = load(sources(config.rules.location, config.aws), config, errors);
        if (!errors.isEmpty()) {
            Collections.sort(errors);
            throw new InvalidRulesException(errors);
        }
        return rules;
    }

    /**
     * The rules of the sources: rule files as they are, Sigma files beside them converted first (alert-only
     * unless {@code TrailWarden.Rules.sigmaContain} says otherwise). A Sigma rule that cannot be converted
     * is an error naming its file and the reason, like any invalid rule: never left out silently.
     */
    public static List<Rule> load(List<RuleLoader.Source> sources, TrailWardenConfig config, List<RuleError> errors) {
        RuleLoader loader = loader(config.lists.lists, config.detection);
        List<RuleLoader.Source> rules = new ArrayList<>();
        SigmaConverter converter = new SigmaConverter(config.lists.lists, loader, config.rules.sigmaContain);
        for (RuleLoader.Source source : sources) {
            if (!SigmaConverter.isSigma(source.text)) {
                rules.add(source);
                continue;
            }
            for (SigmaConversion conversion : converter.convert(source.name, source.text)) {
                if (conversion.converted()) {
                    Path folder = Path.of(source.name).getParent();
                    String name = conversion.ruleId + ".yaml";
                    rules.add(new RuleLoader.Source(folder == null ? name : folder.resolve(name).toString(),
                            conversion.ruleText));
                } else {
                    errors.add(new RuleError(conversion.source, 0, "Sigma rule"
                            + (conversion.sigmaTitle == null ? "" : " '" + conversion.sigmaTitle + "'")
                            + " not converted: " + conversion.reason));
                }
            }
        }
        return loader.load(rules, errors);
    }

    public static CompiledRules compile(TrailWardenConfig config) throws InvalidRulesException, IOException {
        return CompiledRules.compile(load(config), config.lists.lists)
                .withAllowedLateness(config.detection.allowedLateness);
    }

    public static RuleLoader loader(Map<String, List<String>> lists, DetectionConfig detection) {
        return new RuleLoader(lists.keySet(), detection.maxRuleWindow);
    }

    /** The rule files at a location; {@code aws} is how S3 is reached when the location is there. */
    public static List<RuleLoader.Source> sources(String location, AwsConfig aws) throws IOException {
        if (RulesConfig.CLASSPATH.equals(location)) {
            return classpathSources();
        }
        if (S3Location.isS3(location)) {
            S3Location s3;
            try {
                s3 = S3Location.parse(location);
            } catch (IllegalArgumentException e) {
                throw new IOException("rule location: " + e.getMessage(), e);
            }
            return S3RuleSources.read(s3, aws);
        }
        Path directory = Path.of(location);
        if (!Files.isDirectory(directory)) {
            throw new IOException("rule location " + location + " is not a directory");
        }
        return RuleLoader.readDirectory(directory);
    }

    private static List<RuleLoader.Source> classpathSources() throws IOException {
        URL marker = RuleCatalogue.class.getClassLoader().getResource(MARKER);
        if (marker == null) {
            throw new IOException("the rule catalogue is not on the classpath (" + MARKER + " missing): was the jar"
                    + " built with the rules/ resources?");
        }
        try {
            URI uri = marker.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem jar;
                try {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    jar = FileSystems.getFileSystem(uri);
                }
                return named(RuleLoader.readDirectory(jar.getPath("/" + CLASSPATH_FOLDER)));
            }
            return named(RuleLoader.readDirectory(Path.of(uri).getParent().getParent()));
        } catch (URISyntaxException e) {
            throw new IOException("cannot list the packaged rule catalogue at " + marker, e);
        }
    }

    /** Errors in packaged rules name the file as the repository does: rules/NAME.yaml. */
    private static List<RuleLoader.Source> named(List<RuleLoader.Source> sources) {
        return sources.stream()
                .map(source -> new RuleLoader.Source("rules/" + Path.of(source.name).getFileName(), source.text))
                .collect(java.util.stream.Collectors.toList());
    }
}
