package io.nightshift.api;

import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;

/**
 * Who may call what, for {@code nightshift serve} only (the other commands have no web server and no security): users
 * by HTTP Basic and tokens by {@code Authorization: Bearer}, both from {@link ApiProperties}; viewer for GETs, operator
 * for the run and job actions, approver for the model decisions, admin for everything. Stateless: no session, no
 * CSRF token (no browser session to ride on). Health, metrics and the OpenAPI document are public.
 */
@Configuration(proxyBeanMethods = false)
@Profile("serve")
@EnableWebSecurity
@EnableConfigurationProperties(ApiProperties.class)
class ApiSecurityConfiguration {

    static final String REALM = "nightshift";

    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.fromHierarchy("""
                ROLE_ADMIN > ROLE_OPERATOR
                ROLE_ADMIN > ROLE_APPROVER
                ROLE_OPERATOR > ROLE_VIEWER
                ROLE_APPROVER > ROLE_VIEWER
                """);
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    UserDetailsService apiUsers(ApiProperties properties) {
        List<UserDetails> users = properties.users().stream()
                .map(user -> User.withUsername(user.name()).password(user.passwordHash()).roles(roles(user.roles())).build())
                .toList();
        return new InMemoryUserDetailsManager(users);
    }

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiProperties properties, PasswordEncoder encoder) throws Exception {
        AuthenticationEntryPoint unauthorized = (request, response, exception) -> {
            response.addHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
            response.addHeader("WWW-Authenticate", "Bearer realm=\"" + REALM + "\"");
            Problems.write(request, response, HttpStatus.UNAUTHORIZED,
                    "Sign in: HTTP Basic with a user of nightshift.api.users, or Authorization: Bearer with a token of nightshift.api.tokens.");
        };
        AccessDeniedHandler forbidden = (request, response, exception) -> Problems.write(request, response, HttpStatus.FORBIDDEN,
                "Your roles do not allow " + request.getMethod() + " " + request.getRequestURI() + " (" + requiredRole(request.getMethod(),
                        request.getRequestURI()) + " needed).");
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .httpBasic(basic -> basic.realmName(REALM).authenticationEntryPoint(unauthorized))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
                .addFilterBefore(new BodySizeLimitFilter(properties.maxBodySize().toBytes()), SecurityContextHolderFilter.class)
                .addFilterBefore(new BearerTokenFilter(properties.tokens(), encoder, unauthorized), BasicAuthenticationFilter.class)
                .addFilterAfter(new RateLimitFilter(properties.rateLimit()), AuthorizationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/health/**", "/metrics", "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html",
                                "/swagger-ui/**", "/error").permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/**").hasRole("VIEWER")
                        .requestMatchers(HttpMethod.POST, "/api/jobs/reload", "/api/jobs/*/runs", "/api/runs/*/stop",
                                "/api/runs/*/relaunch", "/api/runs/*/abandon").hasRole("OPERATOR")
                        .requestMatchers(HttpMethod.POST, "/api/models/*/versions/*/approve", "/api/models/*/versions/*/reject",
                                "/api/models/*/rollback").hasRole("APPROVER")
                        .requestMatchers("/api/**").hasRole("ADMIN")
                        .anyRequest().authenticated());
        return http.build();
    }

    /** For a 403's detail: the role the path needs, as the rules above give it. */
    private static String requiredRole(String method, String path) {
        if ("GET".equals(method)) {
            return "viewer";
        }
        return path.matches("/api/models/.*/(approve|reject|rollback)") ? "approver"
                : path.matches("/api/(jobs/reload|jobs/[^/]+/runs|runs/[^/]+/(stop|relaunch|abandon))") ? "operator" : "admin";
    }

    static String[] roles(List<String> names) {
        return names.stream().map(name -> ApiProperties.Role.of(name, "nightshift.api roles").name().toUpperCase(Locale.ROOT))
                .toArray(String[]::new);
    }
}
