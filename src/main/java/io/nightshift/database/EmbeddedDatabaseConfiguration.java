package io.nightshift.database;

import io.nightshift.NightshiftProperties;
import org.springframework.boot.context.properties.bind.Binder;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.LoggerFactory;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The embedded default job repository, used when {@code spring.datasource.url} is not set: the data source connects to
 * {@link EmbeddedDatabase}'s server (Spring Boot builds its pool from these connection details, with the
 * {@code spring.datasource.hikari.*} settings as usual). Any URL a user sets, H2 or PostgreSQL, bypasses all of this.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDataSourceUrl.class)
class EmbeddedDatabaseConfiguration {

    static final String DATABASE_NAME = "nightshift";

    @Bean
    EmbeddedDatabase embeddedDatabase(NightshiftProperties properties, DataSourceProperties dataSource, Environment environment) {
        NightshiftProperties.Database database = properties.database();
        return EmbeddedDatabase.forThisProcess(new EmbeddedDatabase.Settings(properties.home().resolve("db"), DATABASE_NAME,
                user(dataSource), password(dataSource), database.waitTimeout(), database.serverIdleTimeout(),
                environment.getProperty(EarlyStart.BRIEF_COMMAND, Boolean.class, false)));
    }

    /** Opened while the context starts, closed after the pool when it stops (the pool depends on it). */
    @Bean(destroyMethod = "close")
    EmbeddedDatabase.Session embeddedDatabaseSession(EmbeddedDatabase database) {
        return database.open();
    }

    @Bean
    JdbcConnectionDetails embeddedDatabaseConnectionDetails(EmbeddedDatabase.Session session, DataSourceProperties dataSource) {
        String user = user(dataSource);
        String password = password(dataSource);
        return new JdbcConnectionDetails() {
            @Override
            public String getUsername() {
                return user;
            }

            @Override
            public String getPassword() {
                return password;
            }

            @Override
            public String getJdbcUrl() {
                return session.jdbcUrl();
            }

            @Override
            public String getDriverClassName() {
                return org.h2.Driver.class.getName();
            }
        };
    }

    /**
     * Several commands starting at once on a fresh home would otherwise each try to create the schema. And H2 commits
     * DDL statement by statement, so a command killed while creating a fresh home's schema leaves it half made, which
     * every later migration would trip over: when a migration fails on a database that holds no run yet, there is
     * nothing to keep, and the schema is created again from empty.
     */
    @Bean
    FlywayMigrationStrategy oneMigrationAtATime(EmbeddedDatabase database) {
        return flyway -> database.exclusively("updating the database schema", () -> migrateOrStartOver(flyway));
    }

    private static void migrateOrStartOver(Flyway flyway) {
        try {
            flyway.migrate();
        } catch (FlywayException e) {
            if (!holdsNoRun(flyway)) {
                throw e;
            }
            LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class).warn("The embedded database's schema was left half "
                    + "created (a command was killed while creating it: {}); it holds no run, so it is created again", e.getMessage());
            Flyway.configure().configuration(flyway.getConfiguration()).cleanDisabled(false).load().clean();
            flyway.migrate();
        }
    }

    private static boolean holdsNoRun(Flyway flyway) {
        try (Connection connection = flyway.getConfiguration().getDataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM BATCH_JOB_INSTANCE")) {
            return rows.next() && rows.getLong(1) == 0;
        } catch (SQLException e) {
            // No job instance table: the schema never got that far.
            return true;
        }
    }

    /** H2's administrator of a database created without a user name is "sa", with an empty password. */
    private static String user(DataSourceProperties dataSource) {
        return StringUtils.hasText(dataSource.getUsername()) ? dataSource.getUsername() : "sa";
    }

    private static String password(DataSourceProperties dataSource) {
        return dataSource.getPassword() == null ? "" : dataSource.getPassword();
    }

    /** True when no {@code spring.datasource.url} is set (an empty one counts as not set). */
    static final class NoDataSourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !StringUtils.hasText(Binder.get(context.getEnvironment()).bind("spring.datasource.url", String.class).orElse(""));
        }
    }
}
