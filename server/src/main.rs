//! `trefpunt`: one binary for the site, the REST API and the command line.

use clap::{Parser, Subcommand};
use server::config::{redact_url, DatabaseOptions, ServeOptions, Settings};
use server::Application;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "trefpunt",
    version,
    about = "Trefpunt: residents map meeting places, barriers and wishes"
)]
#[command(
    after_help = "Every setting is a flag or an environment variable, with its default: \
`trefpunt serve --help` lists them. RUST_LOG is the log filter (default info); nothing about \
residents is logged."
)]
struct Cli {
    #[command(flatten)]
    database: DatabaseOptions,
    #[command(subcommand)]
    command: Option<Command>,
}

/// `trefpunt` without a command serves, with the settings from the environment.
#[derive(Parser)]
struct ServeFromEnvironment {
    #[command(flatten)]
    options: ServeOptions,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site and the API (the default).
    Serve {
        #[command(flatten)]
        options: ServeOptions,
    },
    /// Import CBS boundaries (GeoJSON or TopoJSON, or from PDOK); stored submissions are re-assigned.
    ///
    /// The CBS code (BU0363AA01, WK0363AA, GM0363) is found by its form in whatever field holds it
    /// (buurtcode, statcode, a municipality's own cbsCode ...); a buurt's code gives its wijk and
    /// gemeente, so a buurt file alone gives wijk and gemeente figures, named from the file's
    /// gemeentenaam and wijknaam where it has them. A file without CBS codes is refused; --code-field
    /// imports it under its own codes, with a warning (no wijk or gemeente figures then).
    /// Degenerate features are skipped and listed; the import is one transaction, so a bad file
    /// changes nothing. A running server picks the new areas up within 10 s and then re-assigns what
    /// it stored in between. `--pdok GM0505` fetches that municipality's gemeente, wijken and
    /// buurten from PDOK instead.
    #[command(group(clap::ArgGroup::new("source").required(true).args(["file", "pdok"])))]
    ImportAreas {
        /// The boundary file.
        file: Option<std::path::PathBuf>,
        /// Which level the file holds.
        #[arg(long, value_parser = ["gemeente", "wijk", "buurt"], required_unless_present = "pdok")]
        level: Option<String>,
        /// Fetch one municipality (its CBS code, like GM0505) from PDOK's CBS wijken en buurten.
        #[arg(long, value_name = "GEMEENTECODE")]
        pdok: Option<String>,
        /// The CBS year of the boundaries, stored and shown with the areas (with --pdok: which year to
        /// fetch, default 2024).
        #[arg(long)]
        year: Option<i64>,
        /// The property holding the area code, when the CBS code is not to be found by its form (a
        /// file of the municipality's own areas, without CBS codes).
        #[arg(long)]
        code_field: Option<String>,
        /// The property holding the area name.
        #[arg(long)]
        name_field: Option<String>,
        /// PDOK's CBS wijken en buurten (OGC API Features), for --pdok; {year} is replaced.
        #[arg(
            long,
            env = "TREFPUNT_PDOK_WIJKENBUURTEN_URL",
            default_value = server::pdok::wijkenbuurten::DEFAULT_BASE_URL
        )]
        pdok_url: String,
    },
    /// Import CBS key figures (Kerncijfers wijken en buurten, CSV): inhabitants and age bands per code.
    ///
    /// Reads comma or semicolon separated files with CBS's column names of several vintages; a secret
    /// or missing figure stays unknown. One transaction: a bad line (named in the error) changes nothing.
    ImportPopulation {
        /// The CSV file.
        file: std::path::PathBuf,
    },
    /// Import a walking network: an OpenStreetMap extract (.osm.pbf) or GeoJSON lines with OSM tags.
    ///
    /// Keeps what people walk on (footway, path, pedestrian, living_street, residential, service,
    /// steps, crossings, ...; not motorways or trunk roads, nor ways closed to pedestrians) and reports
    /// what it kept and dropped per highway value. A GeoJSON line is one segment, its `length` used
    /// where given; a PBF way is cut at every junction. One transaction: a new import replaces the
    /// stored network of the same file name and those lying within its extent, so re-running it
    /// replaces it; one that partly overlaps another network is refused (see --replace-overlapping).
    /// Every position must lie in the Netherlands (WGS84 lon, lat).
    ImportNetwork {
        /// The .osm.pbf or .geojson file.
        file: std::path::PathBuf,
        /// Also replace stored networks whose extent only partly overlaps this one (without it, such
        /// an import is refused: two networks on the same ground would not connect).
        #[arg(long)]
        replace_overlapping: bool,
    },
    /// Import places the municipality already knows (GeoJSON points or areas): destinations for
    /// walking coverage and "known places" on the maps, never counted as residents' entries.
    ///
    /// Each feature's category comes from --category-field, through --map FILEWORD=CATEGORY (words
    /// compared without case or a "prefix:"; a word that is already a category needs no map), or
    /// from --category for all. Qualities come from OSM tags (wheelchair=yes: step_free, fee=no:
    /// free, toilets=yes: toilet, bench=yes: seating) and --quality FIELD=VALUE:QUALITY. Features
    /// that map to nothing are counted per reason. Re-importing a file of the same --source name
    /// replaces its places.
    ImportPlaces {
        /// The GeoJSON file.
        file: std::path::PathBuf,
        /// The property holding the file's kind of place (e.g. bgtplustype, amenity).
        #[arg(long)]
        category_field: Option<String>,
        /// One category for every feature (community_centre, library, playground, bench, ...).
        #[arg(long, conflicts_with = "category_field")]
        category: Option<String>,
        /// FILEWORD=CATEGORY, e.g. bank=bench; repeat for more.
        #[arg(long = "map", value_name = "FILEWORD=CATEGORY")]
        map: Vec<String>,
        /// FIELD=VALUE:QUALITY, e.g. toegankelijk=ja:step_free; repeat for more.
        #[arg(long = "quality", value_name = "FIELD=VALUE:QUALITY")]
        quality: Vec<String>,
        /// The property holding a place's name (default: name or naam).
        #[arg(long)]
        name_field: Option<String>,
        /// The name this file's places are kept under (default: the file name).
        #[arg(long)]
        source: Option<String>,
    },
    /// Staff accounts (residents never need one).
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a staff member, such as the first admin; admins add others on the staff page or the API.
    ///
    /// Without --password-stdin a password is generated and printed once. Passwords are stored as
    /// argon2id hashes only.
    Add {
        /// admin (everything), advisor (dashboards, raw exports) or worker (events, moderation).
        #[arg(long, value_parser = ["admin", "advisor", "worker"])]
        role: String,
        /// Read the password (at least 12 characters) from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// A gemeente (CBS code such as GM0505) an advisor or worker works for; repeat for more.
        /// They see and moderate only entries and campaigns there.
        #[arg(long = "gemeente", value_name = "CODE")]
        gemeenten: Vec<String>,
        /// The staff member's e-mail address (their sign-in name).
        email: String,
    },
}

fn main() -> std::process::ExitCode {
    // An empty variable means "not set" (`TREFPUNT_PUBLIC_URL=` in a compose file), where clap
    // would read an empty value. Removed while the process has one thread, before the runtime.
    for (name, value) in std::env::vars_os() {
        let ours = name
            .to_str()
            .is_some_and(|n| n.starts_with("TREFPUNT_") || n.starts_with("LEPTOS_SITE_"));
        if ours && value.to_str().is_some_and(|v| v.trim().is_empty()) {
            std::env::remove_var(name);
        }
    }
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(run()),
        Err(e) => {
            say_err(&format!("trefpunt: cannot start the runtime: {e}"));
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_target(false)
        .init();
    let cli = Cli::parse();
    let database = cli.database.database_url;
    let result = match cli.command {
        None => {
            let options = ServeFromEnvironment::parse_from(["trefpunt"]).options;
            serve(options.settings(database)).await
        }
        Some(Command::Serve { options }) => serve(options.settings(database)).await,
        Some(Command::ImportAreas {
            file,
            level,
            pdok,
            year,
            code_field,
            name_field,
            pdok_url,
        }) => {
            let fields = server::import::boundaries::Fields {
                code: code_field,
                name: name_field,
            };
            let source = match (file, pdok) {
                (Some(file), _) => AreaSource::File(file),
                (None, Some(code)) => AreaSource::Pdok {
                    code,
                    url: pdok_url,
                },
                (None, None) => {
                    say_err("trefpunt: give a FILE or --pdok GEMEENTECODE");
                    return std::process::ExitCode::FAILURE;
                }
            };
            import_areas(&database, source, level, year, fields).await
        }
        Some(Command::ImportPopulation { file }) => import_population(&database, file).await,
        Some(Command::ImportNetwork {
            file,
            replace_overlapping,
        }) => import_network(&database, file, replace_overlapping).await,
        Some(Command::ImportPlaces {
            file,
            category_field,
            category,
            map,
            quality,
            name_field,
            source,
        }) => {
            let mapping = place_mapping(category_field, category, &map, &quality, name_field);
            match mapping {
                Ok(m) => import_places(&database, file, &m, source).await,
                Err(e) => Err(e.into()),
            }
        }
        Some(Command::User(UserCommand::Add {
            role,
            password_stdin,
            gemeenten,
            email,
        })) => add_user(&database, &role, password_stdin, &gemeenten, &email).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            say_err(&format!("trefpunt: {e}"));
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> Result<(), Box<dyn std::error::Error>> {
    tracing::info!(database = %redact_url(&settings.database_url), "opening database");
    let app = Application::build(settings).await?;
    tracing::info!("listening on http://{}", app.addr);
    app.run_until_stopped().await?;
    Ok(())
}

/// A line for a terminal: names and codes come from the file, and a control character in them
/// (an escape sequence) could move the cursor and overwrite a warning.
fn printable(line: &str) -> String {
    line.chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

#[allow(clippy::print_stdout)]
fn say(line: &str) {
    println!("{}", printable(line));
}

fn say_err(line: &str) {
    eprintln!("{}", printable(line));
}

/// Where `import-areas` reads the areas from.
enum AreaSource {
    File(std::path::PathBuf),
    /// One municipality from PDOK's CBS wijken en buurten at `url`.
    Pdok {
        code: String,
        url: String,
    },
}

/// Prints its report: this is a command a person runs and reads.
async fn import_areas(
    database_url: &str,
    source: AreaSource,
    level: Option<String>,
    year: Option<i64>,
    fields: server::import::boundaries::Fields,
) -> Result<(), Box<dyn std::error::Error>> {
    use server::domain::areas::Level;
    use server::import::boundaries;
    // (level, what it was read from, the GeoJSON/TopoJSON bytes)
    let mut sources: Vec<(Level, String, Vec<u8>)> = Vec::new();
    let from_pdok = matches!(source, AreaSource::Pdok { .. });
    let year = match source {
        AreaSource::File(file) => {
            let level = level
                .as_deref()
                .and_then(Level::parse)
                .ok_or("--level must be gemeente, wijk or buurt")?;
            let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            sources.push((level, file.display().to_string(), bytes));
            year
        }
        AreaSource::Pdok { code, url } => {
            let year = year.unwrap_or(2024);
            let client = server::pdok::wijkenbuurten::WijkenBuurten::new(&url, year);
            for level in Level::ALL {
                let bytes = client.fetch(&code, level).await?;
                sources.push((level, format!("PDOK {code} {year}"), bytes));
            }
            Some(year)
        }
    };

    let mut stored: Vec<server::store::StoredArea> = Vec::new();
    let mut names: Vec<(String, String)> = Vec::new();
    for (level, from, bytes) in &sources {
        let report = match boundaries::read(bytes, *level, &fields) {
            Ok(report) => report,
            // PDOK may have no areas of a level for a municipality; a file without any is a mistake.
            Err(boundaries::ImportError::NoFeatures | boundaries::ImportError::NoAreas { .. })
                if from_pdok =>
            {
                say(&format!("read      0 {} areas from {from}", level.as_str()));
                continue;
            }
            Err(e) => return Err(format!("{from}: {e}").into()),
        };
        if report.cbs_codes {
            say(&format!(
                "codes     CBS {} codes from field {}",
                level.as_str(),
                report.code_field
            ));
        } else {
            // Loud: figures of every wijk and gemeente will miss these areas' entries.
            say_err(&format!(
                "WARNING   {from}: field {} does not hold CBS {} codes in every feature, so \
                 these areas name no wijk or gemeente: their entries count in a wijk or gemeente \
                 only where buurten with CBS codes or the gemeente's own boundaries place them, \
                 and key figures (by CBS code) do not match these areas.{}",
                report.code_field,
                level.as_str(),
                match report.cbs_fields.as_slice() {
                    [] => String::new(),
                    fields => format!(
                        " Field(s) {} do hold CBS codes: leave out --code-field to use them.",
                        fields.join(", ")
                    ),
                }
            ));
        }
        for (code, name) in &report.parent_names {
            say(&format!("named     {code} {name}"));
        }
        for r in &report.repaired {
            say(&format!("repaired  {r}"));
        }
        for s in &report.skipped {
            say(&format!("skipped   {s}"));
        }
        say(&format!(
            "read      {} {} areas from {from} ({} skipped, {} repaired)",
            report.areas.len(),
            level.as_str(),
            report.skipped.len(),
            report.repaired.len()
        ));
        names.extend(report.parent_names.iter().cloned());
        stored.extend(report.areas.iter().map(|a| server::store::StoredArea {
            code: a.code.clone(),
            level: level.as_str().to_string(),
            name: a.name.clone(),
            population: a.population,
            year,
            shape: boundaries::shape_to_geojson(&a.shape).to_string(),
        }));
    }

    let store = server::store::Store::open(database_url).await?;
    // Every area after this import: what it implies, and the index to re-assign what is stored.
    // The generation first: the store refuses the import if another lands after it (see
    // `Store::import_areas`).
    let read_at = store.area_generation().await?;
    let replaced: std::collections::HashSet<&str> =
        stored.iter().map(|s| s.code.as_str()).collect();
    let mut all = store.areas().await?;
    all.retain(|a| !replaced.contains(a.code.as_str()));
    all.extend(stored.iter().cloned());
    let implied = server::import::implied::implied(&all);
    let index = server::service::build_index(all);
    let moved = store
        .import_areas(read_at, &stored, &implied, &names, |lon, lat| {
            index.assign(lon, lat)
        })
        .await?;
    store.close().await;
    for level in [Level::Wijk, Level::Gemeente] {
        let n = implied.iter().filter(|a| a.level == level.as_str()).count();
        if n > 0 {
            say(&format!(
                "implied   {n} {} areas, drawn from their parts (import their own boundaries to replace them)",
                level.as_str()
            ));
        }
    }
    say(&format!(
        "imported  {} areas; {moved} stored submissions re-assigned",
        stored.len()
    ));
    Ok(())
}

#[allow(clippy::print_stdout)]
async fn import_population(
    database_url: &str,
    file: std::path::PathBuf,
) -> Result<(), Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let rows =
        server::import::population::read(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let store = server::store::Store::open(database_url).await?;
    store.import_population(&rows).await?;
    store.close().await;
    let with_bands = rows
        .iter()
        .filter(|r| r.age_bands.iter().any(Option::is_some))
        .count();
    println!(
        "imported  key figures of {} areas from {} ({with_bands} with age bands)",
        rows.len(),
        file.display()
    );
    Ok(())
}

#[allow(clippy::print_stdout)]
async fn import_network(
    database_url: &str,
    file: std::path::PathBuf,
    replace_overlapping: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    use server::import::network::{read, NetworkFormat};
    let started = std::time::Instant::now();
    let format = NetworkFormat::of_path(&file).ok_or_else(|| {
        format!(
            "{}: name it .osm.pbf or .geojson, so its format is known",
            file.display()
        )
    })?;
    let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let report = read(&bytes, format).map_err(|e| format!("{}: {e}", file.display()))?;
    drop(bytes);
    for (highway, n) in &report.kept {
        println!("kept      {n:>7} highway={highway}");
    }
    for (why, n) in &report.dropped {
        println!("dropped   {n:>7} {why}");
    }
    for s in &report.skipped {
        println!("skipped   {s}");
    }
    if report.skipped_total > report.skipped.len() {
        println!(
            "skipped   ... and {} more",
            report.skipped_total - report.skipped.len()
        );
    }
    let source = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    // Swapped coordinates (lat, lon) or another projection put a network elsewhere on earth.
    let Some(extent) = report.network.extent() else {
        return Err(format!("{}: the file holds no walkable ways", file.display()).into());
    };
    if extent[0] < 3.0 || extent[2] > 7.5 || extent[1] < 50.5 || extent[3] > 54.0 {
        return Err(format!(
            "{}: positions reach lon {:.3}–{:.3}, lat {:.3}–{:.3}, outside the Netherlands (lon \
             3.0–7.5, lat 50.5–54.0): is the file WGS84 with lon before lat?",
            file.display(),
            extent[0],
            extent[2],
            extent[1],
            extent[3]
        )
        .into());
    }
    let store = server::store::Store::open(database_url).await?;
    if !replace_overlapping {
        let partly: Vec<String> = store
            .networks()
            .await?
            .into_iter()
            .filter(|(s, b, _, _)| {
                let meets = b[0] <= extent[2]
                    && b[2] >= extent[0]
                    && b[1] <= extent[3]
                    && b[3] >= extent[1];
                let within = b[0] >= extent[0]
                    && b[1] >= extent[1]
                    && b[2] <= extent[2]
                    && b[3] <= extent[3];
                *s != source && meets && !within
            })
            .map(|(s, ..)| s)
            .collect();
        if !partly.is_empty() {
            store.close().await;
            return Err(format!(
                "{}: its extent partly overlaps the stored network(s) {}; nothing was changed. \
                 Import one extract that covers both, or give --replace-overlapping to replace them",
                file.display(),
                partly.join(", ")
            )
            .into());
        }
    }
    let done = store
        .replace_network(&source, &report.network, replace_overlapping)
        .await?;
    store.close().await;
    for old in &done.replaced {
        println!("replaced  the network from {old}");
    }
    let metres: f64 = report.network.segments.iter().map(|s| s.length_m).sum();
    println!(
        "imported  {} segments ({:.0} km) between {} nodes from {} in {:.1} s",
        report.network.segments.len(),
        metres / 1000.0,
        report.network.nodes.len(),
        file.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn place_mapping(
    category_field: Option<String>,
    category: Option<String>,
    map: &[String],
    quality: &[String],
    name_field: Option<String>,
) -> Result<server::import::places::PlaceMapping, String> {
    let mut m = server::import::places::PlaceMapping {
        category_field,
        category,
        name_field,
        ..Default::default()
    };
    for rule in map {
        let (from, to) = rule
            .split_once('=')
            .ok_or_else(|| format!("--map {rule}: write FILEWORD=CATEGORY"))?;
        m.map
            .insert(from.trim().to_lowercase(), to.trim().to_string());
    }
    for rule in quality {
        let parsed = rule.split_once('=').and_then(|(field, rest)| {
            let (value, q) = rest.rsplit_once(':')?;
            Some((
                field.trim().to_string(),
                value.trim().to_lowercase(),
                q.trim().to_string(),
            ))
        });
        m.qualities
            .push(parsed.ok_or_else(|| format!("--quality {rule}: write FIELD=VALUE:QUALITY"))?);
    }
    Ok(m)
}

#[allow(clippy::print_stdout)]
async fn import_places(
    database_url: &str,
    file: std::path::PathBuf,
    mapping: &server::import::places::PlaceMapping,
    source: Option<String>,
) -> Result<(), Box<dyn std::error::Error>> {
    let source = source.unwrap_or_else(|| {
        file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    });
    let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let report = server::import::places::read(&bytes, &source, mapping)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    for (category, n) in &report.per_category {
        println!("read      {n:>7} {category}");
    }
    for (why, n) in &report.skipped {
        println!("skipped   {n:>7} {why}");
    }
    for e in report.examples.iter().take(5) {
        println!("  e.g.    {e}");
    }
    let store = server::store::Store::open(database_url).await?;
    let removed = store.replace_known_places(&source, &report.places).await?;
    store.close().await;
    println!(
        "imported  {} known places from {} as source {source} ({removed} earlier ones of it replaced)",
        report.places.len(),
        file.display()
    );
    Ok(())
}

/// Prints the generated password once: this is a command a person runs and reads.
#[allow(clippy::print_stdout)]
async fn add_user(
    database_url: &str,
    role: &str,
    password_stdin: bool,
    gemeenten: &[String],
    email: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    use server::domain::roles::Role;
    let role = Role::parse(role).ok_or("--role must be admin, advisor or worker")?;
    let email = email.trim();
    let given = if password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Some(line.trim_end_matches(['\r', '\n']).to_string())
    } else {
        None
    };
    server::domain::roles::check_new_user(email, given.as_deref())
        .map_err(|(field, why)| format!("{field} {why}"))?;
    let gemeenten = server::domain::roles::check_gemeenten(gemeenten).map_err(|(field, why)| {
        let i: usize = field
            .rsplit('.')
            .next()
            .and_then(|i| i.parse().ok())
            .unwrap_or_default();
        let bad = gemeenten.get(i).map_or("", String::as_str);
        format!("--gemeente {bad}: {why}")
    })?;
    let password = match &given {
        Some(p) => p.clone(),
        None => server::auth::generate_password()?,
    };
    let phc = server::auth::hash_password(&password)?;
    let store = server::store::Store::open(database_url).await?;
    let added = store.add_user(email, role, &gemeenten, &phc).await?;
    store.close().await;
    if added.is_none() {
        return Err(format!("a staff member with the address {email} exists already").into());
    }
    println!("added     {email} as {}", role.as_str());
    if given.is_none() {
        println!("password  {password}  (shown once; it is stored only as a hash)");
    }
    Ok(())
}
