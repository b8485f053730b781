"""A member's path through a workspace, in Russian, at desktop and phone width:
start a discussion, comment on it, upload a file and download it again (the
same bytes come back); and a member of another organisation reads a report
that a workspace shared with the whole network."""

import pytest

from portal.members.files import ALLOWED_EXTENSIONS
from portal.members.models import WorkspaceFile
from portal.members.views import discussions as discussion_views
from portal.reports import services
from tests.browser.journeys.people import open_workspaces, person
from tests.factories import add_member, make_discussion, make_workspace
from tests.reports.factories import add_cases, make_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# The upload form names the file types it takes: extensions and product names
# are the words a person recognises, in any language.
FILE_TYPES = (*ALLOWED_EXTENSIONS, "Word", "Excel", "PowerPoint", "OpenDocument")
FILE_BYTES = "Протокол встречи\nмаршруты перенаправления\n".encode()


def test_member_discusses_comments_uploads_and_downloads_a_file(journey, tmp_path, monkeypatch):
    # One discussion a page: two discussions are enough to page through.
    monkeypatch.setattr(discussion_views, "DISCUSSIONS_PER_PAGE", 1)
    owner = person("owner@example.org", "Айгуль", "Садыкова", "Общественный фонд «Ош»")
    workspace = make_workspace(owner=owner, name="Ошская группа мониторинга")
    make_discussion(workspace, owner, title="План зимних выездов", body="Кто едет в декабре?")
    member = add_member(
        workspace, person("member@example.org", "Нурлан", "Абдыкадыров", "Центр «Шанс»")
    )
    page = journey.page

    open_workspaces(journey, member.email)
    page.get_by_role("link", name="Ошская группа мониторинга").first.click()
    journey.check("workspace")

    # Start a discussion.
    page.locator(".workspace-tabs").get_by_role("link", name="Обсуждения").click()
    journey.check("discussions")
    page.get_by_role("link", name="Начать обсуждение").click()
    journey.check("discussion-form")
    page.fill("#id_title", "Маршруты перенаправления для вернувшихся")
    page.fill("#id_body", "Давайте соберём контакты приютов в Оше.")
    page.get_by_role("button", name="Начать обсуждение").click()
    page.wait_for_url("**/discussions/*/")
    journey.check("discussion")
    assert page.get_by_role("heading", name="Маршруты перенаправления для вернувшихся").is_visible()

    # Comment on it.
    page.fill("textarea[name=body]", "Добавила приют «Сезим» и его телефон.")
    page.get_by_role("button", name="Опубликовать комментарий").click()
    page.wait_for_load_state()
    journey.check("commented")
    assert page.get_by_text("Добавила приют «Сезим» и его телефон.").is_visible()

    # Back to the list: the newest discussion first, the older one on the next page.
    page.locator(".workspace-tabs").get_by_role("link", name="Обсуждения").click()
    page.wait_for_load_state()
    titles = page.locator(".thread-list__title")
    assert titles.all_inner_texts() == ["Маршруты перенаправления для вернувшихся"]
    pages = page.get_by_role("navigation", name="Страницы")
    assert pages.locator("[aria-current=page]").inner_text().endswith("1")
    pages.get_by_role("link", name="Дальше").click()
    page.wait_for_url("**/discussions/?page=2")
    journey.check("discussions-page-2")
    assert titles.all_inner_texts() == ["План зимних выездов"]
    assert pages.get_by_role("link", name="Назад").get_attribute("rel") == "prev"

    # Upload a file.
    page.locator(".workspace-tabs").get_by_role("link", name="Файлы").click()
    journey.check("files", allowed_words=FILE_TYPES)
    source = tmp_path / "протокол.txt"
    source.write_bytes(FILE_BYTES)
    page.set_input_files("input[type=file]", str(source))
    page.fill("#id_description", "Протокол встречи в марте")
    page.get_by_role("button", name="Загрузить").click()
    page.wait_for_load_state()
    journey.check("uploaded", allowed_words=FILE_TYPES)
    stored = WorkspaceFile.objects.get(workspace=workspace)
    row = page.locator(f"#file-{stored.pk}")
    assert row.is_visible()
    assert "Протокол встречи в марте" in row.inner_text()

    # Download it: the same bytes come back.
    link = row.get_by_role("link", name="протокол.txt", exact=True)
    link.scroll_into_view_if_needed()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "протокол.txt"
    assert download.path().read_bytes() == FILE_BYTES
    journey.check("downloaded", allowed_words=FILE_TYPES)

    # The owner signs in next: "My workspaces" tells her what the member did
    # there since she last looked, each line a link to it.
    page.get_by_role("button", name="Выйти").click()
    page.wait_for_load_state()
    open_workspaces(journey, owner.email)
    card = page.locator(".workspace-news").filter(has_text="Ошская группа мониторинга")
    news = card.locator(".workspace-news__list li").all_inner_texts()
    assert {"1 новое обсуждение", "1 новый комментарий", "1 новый файл"} <= set(news), news
    card.get_by_role("link", name="1 новый файл").click()
    page.wait_for_url("**/files/")
    assert page.locator(f"#file-{stored.pk}").is_visible()
    journey.check("owner-reads-the-news", allowed_words=FILE_TYPES)
    # Once she has opened the workspace, My workspaces has nothing new for it.
    page.locator(".workspace-tabs").get_by_role("link", name="Обзор").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Рабочие пространства").first.click()
    page.wait_for_url("**/workspaces/")
    assert card.locator(".workspace-news__list li").count() == 0
    journey.check("owner-has-seen-it")


def test_network_member_reads_a_report_shared_with_the_network(journey):
    owner = person("owner@example.org", "Айгуль", "Садыкова", "Общественный фонд «Ош»")
    sharing = make_workspace(owner=owner, name="Ошская группа мониторинга")
    manager = person("manager@example.org", "Бакыт", "Токтогулов", "Общественный фонд «Ош»")
    add_member(sharing, manager, "manager")
    report = make_report(
        sharing,
        title="Мониторинг строек, первый квартал",
        region="Ошская область",
        summary="Посещения трёх строительных площадок.",
    )
    add_cases(report, 2)
    services.submit_report(report, actor=owner)
    services.review_report(report, actor=manager)
    services.share_report(report, actor=manager)
    reader = person("reader@example.org", "Зарина", "Каримова", "Фонд «Надежда»")
    make_workspace(owner=reader, name="Худжандская группа")
    page = journey.page

    open_workspaces(journey, reader.email)
    page.get_by_role("link", name="Худжандская группа").first.click()
    journey.check("own-workspace")
    page.locator(".workspace-tabs").get_by_role("link", name="Отчёты").click()
    journey.check("own-reports")
    page.get_by_role("link", name="Отчёты, открытые для сети").click()
    journey.check("network-reports")
    page.get_by_role("link", name="Мониторинг строек, первый квартал").click()
    journey.check("shared-report")
    main = page.locator("main").inner_text()
    assert "Посещения трёх строительных площадок." in main
    assert "Ошская группа мониторинга" in main
