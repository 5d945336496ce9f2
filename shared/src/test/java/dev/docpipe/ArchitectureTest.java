package dev.docpipe;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Dependency rules: the domain knows no AWS, JDBC, Redis or JSON library; services speak ports. */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.docpipe");

    @Test
    void domainDependsOnTheJdkOnly() {
        classes().that().resideInAPackage("dev.docpipe.job..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.docpipe.job..", "java..")
                .check(MAIN);
    }

    @Test
    void portsDependOnTheDomainAndTheJdkOnly() {
        classes().that().resideInAPackage("dev.docpipe.port..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.docpipe.job..", "dev.docpipe.port..", "java..")
                .check(MAIN);
    }

    @Test
    void pipelineServicesUsePortsNotAdaptersOrTheirLibraries() {
        noClasses().that().resideInAPackage("dev.docpipe.pipeline..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.docpipe.adapter..", "software.amazon..", "java.sql..", "javax.sql..",
                        "io.lettuce..", "com.fasterxml..", "org.postgresql..")
                .check(MAIN);
    }

    @Test
    void adaptersDoNotDependOnEachOther() {
        noClasses().that().resideInAPackage("dev.docpipe.adapter.dynamodb..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.docpipe.adapter.postgres..", "dev.docpipe.adapter.redis..")
                .check(MAIN);
        noClasses().that().resideInAPackage("dev.docpipe.adapter.postgres..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.docpipe.adapter.dynamodb..", "dev.docpipe.adapter.redis..")
                .check(MAIN);
        noClasses().that().resideInAPackage("dev.docpipe.adapter.redis..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.docpipe.adapter.dynamodb..", "dev.docpipe.adapter.postgres..")
                .check(MAIN);
    }
}
