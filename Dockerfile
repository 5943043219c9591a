# Multi-stage build of the CovidEntry app image. The image holds the app only: it takes its
# database from ConnectionStrings__Default (PostgreSQL 15+, the app's role) and never starts a
# cluster of its own. Its key files, all kept outside the database, come from DataProtection__KeyFile
# (sign-in keys), Audit__KeyFile (the audit trail) and Snapshots__SigningKeyFile (the snapshot
# signing key) (README: Production).
#
#   docker build -t covidentry .
#   keys='-e DataProtection__KeyFile=/run/secrets/data-protection.key -e Audit__KeyFile=/run/secrets/audit.key -e Snapshots__SigningKeyFile=/run/secrets/snapshot-signing.key'
#   docker run --rm -v "$PWD/secrets:/run/secrets:ro" $keys \
#       -e ConnectionStrings__Default="Host=db;Database=covidentry;Username=covidentry_app;Password=..." \
#       -e ConnectionStrings__Migrations="Host=db;Database=covidentry;Username=covidentry_owner;Password=..." \
#       covidentry migrate                    # apply migrations, grants and seeds once per release
#   docker run -p 8080:8080 -v "$PWD/secrets:/run/secrets:ro" $keys \
#       -e ConnectionStrings__Default="Host=db;...;Username=covidentry_app;..." -e AllowedHosts="covidentry.example.org" covidentry

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY CovidEntry.Domain/CovidEntry.Domain.csproj CovidEntry.Domain/
COPY CovidEntry.App/CovidEntry.App.csproj CovidEntry.App/
RUN dotnet restore CovidEntry.App/CovidEntry.App.csproj
COPY CovidEntry.Domain/ CovidEntry.Domain/
COPY CovidEntry.App/ CovidEntry.App/
RUN dotnet publish CovidEntry.App/CovidEntry.App.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# The screenshot capture drives the distribution's Chromium through Playwright (never a downloaded browser).
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home --shell /usr/sbin/nologin covidentry-capture
# The image runs as $APP_UID, so Chromium runs as that user with its own sandbox on (never
# --no-sandbox); covidentry-capture is there for whoever runs the image as root, when the app hands
# Chromium to it. The sandbox needs user namespaces: see "The capture service" in the README for
# the seccomp profile the container needs.
WORKDIR /app
COPY --from=build /app ./
# The audit trail's head log lives outside the database (docs/decisions/030): on a volume of its own,
# writable by the app's user, and not part of the database backup.
RUN mkdir -p /var/lib/covidentry && chown "$APP_UID" /var/lib/covidentry && chmod 700 /var/lib/covidentry
VOLUME /var/lib/covidentry
# AllowedHosts: the host names the app answers (any other Host header gets 400). Loopback here, so
# the image works on the machine it runs on; a deployment sets its public name(s). "*" is refused.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    AllowedHosts="localhost;127.0.0.1;[::1]" \
    Database__PrivateCluster=false \
    Database__MigrateOnStartup=false \
    Screenshots__ChromiumPath=/usr/bin/chromium \
    Audit__HeadLog=/var/lib/covidentry/audit-heads.log \
    DOTNET_GCgen0size=0x4000000
EXPOSE 8080
# The base image's unprivileged user. Probe GET /healthz for liveness and
# GET /healthz/ready (database reachable, migrations applied) before sending traffic.
USER $APP_UID
ENTRYPOINT ["dotnet", "CovidEntry.App.dll"]
