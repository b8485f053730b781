"""The personal-data guard: what it must catch, where, and what it must leave alone."""

import datetime

import pytest

from portal.reports import pii

TODAY = datetime.date(2024, 6, 1)


def kinds(text):
    return [(f.kind, f.excerpt) for f in pii.scan(text, today=TODAY)]


@pytest.mark.parametrize(
    "text, excerpt",
    [
        ("Позвоните ей: +996 555 123 456.", "+996 555 123 456"),
        ("Номер 0555 123 456 был у вербовщика.", "0555 123 456"),
        ("Her number is +7 (912) 345-67-89.", "+7 (912) 345-67-89"),
        ("Звонил с 8 912 345 67 89 каждый день.", "8 912 345 67 89"),
        ("Узбекский номер 90 123 45 67.", "90 123 45 67"),
        ("WhatsApp +998 90 123 45 67", "+998 90 123 45 67"),
        ("Таджикский номер +992 93 555 1234", "+992 93 555 1234"),
        ("contact 996555123456 on Telegram", "996555123456"),
        ("тел. 22-33-44", "22-33-44"),
        ("International: +44 20 7946 0958", "+44 20 7946 0958"),
    ],
)
def test_phone_numbers_of_the_region_are_found(text, excerpt):
    assert (pii.PHONE, excerpt) in kinds(text)


@pytest.mark.parametrize(
    "text, excerpt",
    [
        ("Write to aigul.m@mail.ru for details", "aigul.m@mail.ru"),
        ("E-mail: test.person+x@example.org.", "test.person+x@example.org"),
        ("почта: иван@почта.рф", "иван@почта.рф"),
    ],
)
def test_email_addresses_are_found(text, excerpt):
    assert kinds(text) == [(pii.EMAIL, excerpt)]


@pytest.mark.parametrize(
    "text, excerpt",
    [
        ("Паспорт AN1234567 был изъят работодателем.", "AN1234567"),
        ("Her ID 1234567 was kept by the employer.", "ID 1234567"),
        ("серия АН 7654321", "АН 7654321"),
        ("ПИН 21203199800123", "21203199800123"),
        ("Personal number 21203199800123 on the card", "21203199800123"),
        ("ИНН 123456789012", "123456789012"),
        ("паспорт 4506 123456", "4506 123456"),
        ("свидетельство № 123456", "№ 123456"),
    ],
)
def test_passport_and_id_numbers_are_found(text, excerpt):
    assert (pii.ID_NUMBER, excerpt) in kinds(text)


@pytest.mark.parametrize(
    "text, excerpt",
    [
        ("Родилась 05.11.1998 в Оше.", "05.11.1998"),
        ("She was born on 5 November 1998 in Osh.", "5 November 1998"),
        ("born November 5, 1998", "November 5, 1998"),
        ("DOB: 1998-11-05", "1998-11-05"),
        ("Дата рождения: 03.02.2019", "03.02.2019"),  # a young child: only with the word
        ("дата рождения 12 марта 2015 года", "12 марта 2015"),
        ("tug'ilgan 12.05.2010", "12.05.2010"),
        ("Айгуль, 1998 г.р., из Ошской области", "1998 г.р."),
        ("он 2001 года рождения", "2001 года рождения"),
        ("A client (24.07.1979) was interviewed.", "24.07.1979"),  # an adult's full date
    ],
)
def test_dates_of_birth_are_found(text, excerpt):
    assert (pii.BIRTH_DATE, excerpt) in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "Интервью проведено 15.03.2024, реферал 02.04.2024.",
        "The period 01.01.2024-31.03.2024 was reviewed.",
        "Встреча состоялась 12 марта 2024 года в Оше.",
        "On 3 May 2023 the team visited Kara-Suu.",
        "Ущерб составил 1 500 000 сом, а в 2023 году 150 000 000 сомов.",
        "В 2019-2023 годах выявлено 45 случаев; 12 из них в 2023.",
        "Hotlines 1899 and 189 are free of charge.",
        "Covid-19, ISO 3166 codes, UZ 2023, KG and TJ.",
        "Age band 18--20, 24–26 and 48+ were most common.",
        "Женщины 18-20 лет, мужчины 30-38 лет.",
        "Article 171 of the Criminal Code, part 2.",
        "",
    ],
)
def test_ordinary_report_text_is_not_flagged(text):
    assert kinds(text) == []


def test_findings_carry_line_column_and_the_text_in_reading_order():
    text = "Первая строка без данных.\nВторая: звонить +996 555 123 456\nТретья: a@b.kg"
    findings = pii.scan(text, today=TODAY)
    assert [(f.kind, f.line, f.column, f.excerpt) for f in findings] == [
        (pii.PHONE, 2, 17, "+996 555 123 456"),
        (pii.EMAIL, 3, 9, "a@b.kg"),
    ]
    assert text[findings[0].start : findings[0].end] == "+996 555 123 456"


def test_a_date_is_not_reported_twice_as_a_number():
    assert kinds("родился 05.11.1998") == [(pii.BIRTH_DATE, "05.11.1998")]


def test_describe_says_where_what_and_what_to_do():
    finding = pii.scan("x\ncall +996 555 123 456", today=TODAY)[0]
    message = str(pii.describe(finding))
    assert "Line 2, column 6" in message
    assert "+996 555 123 456" in message
    assert "phone number" in message


def test_scan_fields_returns_only_fields_with_findings():
    result = pii.scan_fields({"title": "Q1 report", "summary": "mail x@y.org"}, today=TODAY)
    assert list(result) == ["summary"]
