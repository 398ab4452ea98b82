package io.lwt.e2e;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module rules of the design, checked on the compiled main classes of every module. */
class ArchitectureTest {

    /**
     * Plugin packages: each may use the api and the certificate API (and its own third-party library), nothing else
     * of this project.
     */
    private static final String[] PLUGINS = {"io.lwt.tun..", "io.lwt.transport..", "io.lwt.codec..", "io.lwt.routing.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().importPaths(BuiltModules.classesDirectories());
    }

    @Test
    void apiDependsOnNothingButTheJdk() {
        classes().that().resideInAPackage("io.lwt.api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.lwt.api..", "java..")
                .check(classes);
    }

    @Test
    void coreDependsOnTheApiOnly() {
        classes().that().resideInAPackage("io.lwt.core..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("io.lwt.api..", "io.lwt.core..", "java..", "javax.crypto..")
                .check(classes);
    }

    @Test
    void certificatesDependOnNoOtherModule() {
        noClasses().that().resideInAPackage("io.lwt.cert..")
                .should().dependOnClassesThat(resideInAPackage("io.lwt..").and(not(resideInAPackage("io.lwt.cert.."))))
                .check(classes);
    }

    @Test
    void pluginsDependOnTheApiAndTheCertificateApiOnly() {
        for (String plugin : PLUGINS) {
            noClasses().that().resideInAPackage(plugin)
                    .should().dependOnClassesThat(resideInAPackage("io.lwt..")
                            .and(not(resideInAnyPackage(plugin, "io.lwt.api..", "io.lwt.cert.."))))
                    .check(classes);
        }
    }

    /** The launcher finds plugins with ServiceLoader: a plugin class it named would put that plugin in every image. */
    @Test
    void theLauncherDependsOnNoPlugin() {
        noClasses().that().resideInAPackage("io.lwt.launcher..")
                .should().dependOnClassesThat().resideInAnyPackage(PLUGINS)
                .check(classes);
    }

    @Test
    void onlyTheLauncherKnowsPicocliAndYaml() {
        noClasses().that().resideOutsideOfPackage("io.lwt.launcher..")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "org.yaml..")
                .check(classes);
    }
}
