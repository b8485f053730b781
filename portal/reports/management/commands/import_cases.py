import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.core.countries import COUNTRY_CODES
from portal.core.policy import ActionRefused
from portal.members.models import Workspace
from portal.reports import services
from portal.reports.imports import ImportFileError, parse_cases
from portal.reports.models import MonitoringReport

# How many row problems are printed; the rest are counted.
MAX_ERRORS_PRINTED = 200


class Command(BaseCommand):
    help = (
        "Import case records from a CSV or XLSX file in HTCDS/CTDC column names into a "
        "draft report of a workspace (a new draft report unless --report is given). "
        "The whole file is checked first; if any row has a problem nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8) or .xlsx file")
        parser.add_argument("--workspace", required=True, help="slug of the workspace")
        parser.add_argument("--report", type=int, help="id of a draft report to add to")
        parser.add_argument("--title", help="title of the new report (without --report)")
        parser.add_argument(
            "--country", default="", help="country the new report covers (ISO alpha-2)"
        )
        parser.add_argument(
            "--replace", action="store_true", help="replace the report's case records"
        )
        parser.add_argument(
            "--as", dest="actor", help="e-mail of the person the audit log names as importer"
        )

    def handle(self, *args, file, workspace, report=None, title=None, country="", replace=False,
               actor=None, **options):  # fmt: skip
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path} does not exist or is not a file.")
        workspace = Workspace.objects.filter(slug=workspace).first()
        if workspace is None:
            raise CommandError("No workspace with that slug.")
        person = None
        if actor:
            person = get_user_model().objects.filter(email=actor.lower()).first()
            if person is None:
                raise CommandError(f"No account with the e-mail address {actor}.")

        self.stdout.write(f"Reading {path.name} …")
        try:
            parsed = parse_cases(path.read_bytes(), path.name, progress=self._progress)
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc
        if not parsed.ok:
            self._print_errors(parsed.errors)
            raise CommandError(
                f"Nothing was imported: {len(parsed.errors)} problems in "
                f"{len({e.row for e in parsed.errors})} rows. Fix the file and run again."
            )
        if parsed.ignored_columns:
            self.stdout.write("Columns read but not stored: " + ", ".join(parsed.ignored_columns))

        try:
            # One transaction: a new report is only kept with its records.
            with transaction.atomic():
                target = self._report(workspace, report, title, country, parsed, person)
                total = services.import_cases(
                    target,
                    parsed.records,
                    actor=person,
                    file_format=parsed.file_format,
                    replace=replace,
                    via="command",
                )
        except ActionRefused as exc:
            # A report no longer in draft, or a named person whose role may not
            # import there: the policy's answer, as the page gives it.
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(parsed.records)} case records into report #{target.pk} "
                f"“{target.title}” ({target.get_absolute_url()}); it now has {total}."
            )
        )

    def _progress(self, done, total):
        self.stdout.write(f"  checked {done}/{total} rows")

    def _print_errors(self, errors):
        self.stderr.write("row\tcolumn\tvalue\tproblem")
        for error in errors[:MAX_ERRORS_PRINTED]:
            self.stderr.write(f"{error.row}\t{error.column}\t{error.value}\t{error.problem}")
        if len(errors) > MAX_ERRORS_PRINTED:
            self.stderr.write(f"… and {len(errors) - MAX_ERRORS_PRINTED} more")

    def _report(self, workspace, report_id, title, country, parsed, person):
        if report_id is not None:
            report = MonitoringReport.objects.filter(workspace=workspace, pk=report_id).first()
            if report is None:
                raise CommandError("That report does not exist in this workspace.")
            return report
        country = country or (workspace.organisation.country if workspace.organisation else "KG")
        if country.upper() not in COUNTRY_CODES:
            raise CommandError("--country must be an ISO 3166 alpha-2 code, for example KG.")
        years = [record.year_of_registration for record in parsed.records] or [
            datetime.date.today().year
        ]
        try:
            report = self._create(workspace, person, title, country, years)
        except services.PersonalDataFound as exc:
            raise CommandError("The title looks like it holds personal data.") from exc
        self.stdout.write(f"Created draft report #{report.pk}.")
        return report

    def _create(self, workspace, person, title, country, years):
        return services.create_report(
            workspace,
            actor=person,
            title=title or f"Imported case records {datetime.date.today():%Y-%m-%d}",
            period_start=datetime.date(min(years), 1, 1),
            period_end=datetime.date(max(years), 12, 31),
            country=country.upper(),
            region="",
            summary="",
        )
