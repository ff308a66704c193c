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
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Finds and loads the catalogue: from the copy packaged into the jar (the repository's rules/ folder,
 * the default), from a directory, or from an {@code s3://bucket/prefix/} location. Loading validates
 * everything; an invalid catalogue is an {@link InvalidRulesException}, so the job refuses to start.
 */
public final class RuleCatalogue {
    /** Where the build puts the repository's rules/ folder inside the jar. */
    public static final String CLASSPATH_FOLDER = "trailwarden-rules";
    private static final String MARKER = CLASSPATH_FOLDER + "/schema/rule.schema.json";

    private RuleCatalogue() {}

    public static List<Rule> load(TrailWardenConfig config) throws InvalidRulesException, IOException {
        return loader(config.lists.lists, config.detection).load(sources(config.rules.location, config.aws));
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
