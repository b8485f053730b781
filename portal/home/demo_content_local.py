"""Kyrgyz, Uzbek (Latin script) and Tajik texts of the demo public site: the
home page, get-help, the campaigns section, the campaign and the hotlines.

Written by the developers, not by native speakers: load_demo marks every page
and hotline made from them as needing a native speaker's review (README,
"Languages"). Same shapes as demo_content; merged into it there.
"""

# Languages whose demo texts wait for a native speaker's review.
NEEDS_REVIEW = ("ky", "uz", "tg")

HOME = {
    "ky": {
        "title": "Адам сатууга каршы Фергана өрөөнүнүн тармагы",
        "lead": "Тармактын жаңылыктары, адистер үчүн материалдар жана жардам керек болгон ар "
        "бир адам үчүн ишеним телефондору.",
    },
    "uz": {
        "title": "Odam savdosiga qarshi Fargʻona vodiysi tarmogʻi",
        "lead": "Tarmoq yangiliklari, mutaxassislar uchun materiallar va yordamga muhtoj har "
        "bir kishi uchun ishonch telefonlari.",
    },
    "tg": {
        "title": "Шабакаи водии Фарғона бар зидди савдои одамон",
        "lead": "Хабарҳои шабака, маводҳо барои мутахассисон ва хатҳои боварӣ барои ҳар касе, "
        "ки ба кӯмак ниёз дорад.",
    },
}

HOME_BODY = {
    "ky": [
        ("h2", "Тармак жөнүндө"),
        (
            "p",
            "Тармак Кыргызстандын, Өзбекстандын жана Тажикстандын адам сатуудан жабыр "
            "тарткандарга жардам берген жана жалдоонун алдын алган коомдук уюмдарын "
            "бириктирет. Биз тажрыйба алмашабыз, адамдарды чек ара аркылуу бири-бирибизге "
            "жөнөтөбүз жана өрөөндөгү абал кантип өзгөрүп жатканын бирге көзөмөлдөйбүз.",
        ),
    ],
    "uz": [
        ("h2", "Tarmoq haqida"),
        (
            "p",
            "Tarmoq Qirgʻiziston, Oʻzbekiston va Tojikistonning odam savdosidan jabrlanganlarga "
            "yordam beradigan va yollashning oldini oladigan jamoat tashkilotlarini "
            "birlashtiradi. Biz tajriba almashamiz, odamlarni chegara orqali bir-birimizga "
            "yoʻnaltiramiz va vodiydagi vaziyat qanday oʻzgarayotganini birga kuzatamiz.",
        ),
    ],
    "tg": [
        ("h2", "Дар бораи шабака"),
        (
            "p",
            "Шабака ташкилотҳои ҷамъиятии Қирғизистон, Ӯзбекистон ва Тоҷикистонро муттаҳид "
            "мекунад, ки ба ҷабрдидагони савдои одамон кӯмак мерасонанд ва ҷалби одамонро "
            "пешгирӣ мекунанд. Мо таҷриба мубодила мекунем, одамонро аз марз ба якдигар равон "
            "мекунем ва якҷоя пайгирӣ мекунем, ки вазъ дар водӣ чӣ гуна тағйир меёбад.",
        ),
    ],
}

SECTIONS = {
    "campaigns": {
        "ky": {
            "title": "Кампаниялар",
            "intro": "Тармактын өрөөндүн шаарларында жана айылдарында өткөргөн маалымдоо "
            "кампаниялары.",
        },
        "uz": {
            "title": "Kampaniyalar",
            "intro": "Tarmoqning vodiy shahar va qishloqlaridagi maʼrifiy kampaniyalari.",
        },
        "tg": {
            "title": "Маъракаҳо",
            "intro": "Маъракаҳои огоҳсозии шабака дар шаҳру деҳоти водӣ.",
        },
    },
    "get-help": {
        "ky": {
            "title": "Жардам алуу",
            "intro": "Эгер сизди же жакындарыңызды жумуш боюнча алдашса, кармап турса же "
            "мажбурлап иштетсе, ишеним телефонуна чалыңыз. Чалуу акысыз жана купуя.",
        },
        "uz": {
            "title": "Yordam olish",
            "intro": "Agar sizni yoki yaqinlaringizni ish borasida aldashgan boʻlsa, ushlab "
            "turishsa yoki majburan ishlatishsa, ishonch telefoniga qoʻngʻiroq qiling. "
            "Qoʻngʻiroq bepul va maxfiy.",
        },
        "tg": {
            "title": "Кӯмак гирифтан",
            "intro": "Агар шумо ё наздиконатонро бо кор фиреб дода бошанд, нигоҳ дошта бошанд "
            "ё маҷбуран ба кор кашанд, ба хатти боварӣ занг занед. Занг ройгон ва махфӣ аст.",
        },
    },
}

SECTION_BODIES = {
    ("get-help", "ky"): [
        ("h2", "Адамга жардам керек экенинин белгилери"),
        (
            "p",
            "Иш берүүчү паспортту «сактоого» алып алган; убада кылынган айлык төлөнбөйт же жол "
            "жана турак жай үчүн «карыз» деп кармалып калат; адамга сыртка чыгууга, "
            "туугандарына телефон чалууга тыюу салынат же миграция эрежелерин бузганы үчүн "
            "полицияга кабарлайбыз деп коркутушат.",
        ),
        ("h2", "Эмне кылуу керек"),
        (
            "p",
            "Өз өлкөңүздүн ишеним телефонуна чалыңыз: кеңешчи сизди угат, укуктарыңызды "
            "түшүндүрөт жана макул болсоңуз, сизге жакын же сиз турган өлкөдөгү тармактын "
            "уюму менен байланыштырат. Атыңызды айтпасаңыз да болот.",
        ),
        ("p", "Эгер азыр эле өмүргө коркунуч болсо, милицияга 102 номерине чалыңыз."),
    ],
    ("get-help", "uz"): [
        ("h2", "Insonga yordam kerakligining belgilari"),
        (
            "p",
            "Ish beruvchi pasportni «saqlash uchun» olib qoʻygan; vaʼda qilingan maosh "
            "toʻlanmaydi yoki yoʻl va turar joy uchun «qarz» deb ushlab qolinadi; odamga "
            "tashqariga chiqish, qarindoshlariga qoʻngʻiroq qilish taqiqlanadi yoki migratsiya "
            "qoidalarini buzgani uchun politsiyaga xabar beramiz deb qoʻrqitishadi.",
        ),
        ("h2", "Nima qilish kerak"),
        (
            "p",
            "Oʻz mamlakatingizning ishonch telefoniga qoʻngʻiroq qiling: maslahatchi sizni "
            "tinglaydi, huquqlaringizni tushuntiradi va rozi boʻlsangiz, sizga yaqin yoki siz "
            "turgan mamlakatdagi tarmoq tashkiloti bilan bogʻlaydi. Ismingizni aytmasangiz ham "
            "boʻladi.",
        ),
        (
            "p",
            "Agar hozir hayotga xavf tugʻilgan boʻlsa, militsiyaga 102 raqamiga qoʻngʻiroq qiling.",
        ),
    ],
    ("get-help", "tg"): [
        ("h2", "Нишонаҳое, ки одам ба кӯмак ниёз дорад"),
        (
            "p",
            "Корфармо шиносномаро «барои нигоҳдорӣ» гирифтааст; музди ваъдашуда пардохт "
            "намешавад ё барои «қарз»-и роҳ ва манзил нигоҳ дошта мешавад; ба одам берун "
            "баромадан, ба хешовандон занг задан манъ аст ё ӯро таҳдид мекунанд, ки барои "
            "вайрон кардани қоидаҳои муҳоҷират ба полис хабар медиҳанд.",
        ),
        ("h2", "Чӣ бояд кард"),
        (
            "p",
            "Ба хатти боварии кишвари худ занг занед: машваратчӣ шуморо мешунавад, ҳуқуқҳои "
            "шуморо шарҳ медиҳад ва агар розӣ бошед, шуморо бо ташкилоти шабака дар наздикии "
            "шумо ё дар кишваре, ки ҳастед, пайваст мекунад. Номи худро гуфтан шарт нест.",
        ),
        ("p", "Агар ҳозир ба ҳаёт хатар таҳдид кунад, ба милитсия бо рақами 102 занг занед."),
    ],
}

# hotline key -> {language: (organisation, hours, languages, note)}
HOTLINES = {
    "kg-main": {
        "ky": (
            "Ош мигранттарды колдоо борбору",
            "Күнү-түнү, дем алышсыз",
            "кыргызча, орусча, өзбекче",
            "Кыргызстандын бардык операторлорунан акысыз.",
        ),
        "uz": (
            "Oʻsh migrantlarni qoʻllab-quvvatlash markazi",
            "Kecha-kunduz, dam olish kunlarisiz",
            "qirgʻizcha, ruscha, oʻzbekcha",
            "Qirgʻizistonning barcha operatorlaridan bepul.",
        ),
        "tg": (
            "Маркази дастгирии муҳоҷирони Ош",
            "Шабонарӯзӣ, бе рӯзи истироҳат",
            "қирғизӣ, русӣ, ӯзбекӣ",
            "Аз ҳамаи операторҳои Қирғизистон ройгон.",
        ),
    },
    "kg-legal": {
        "ky": (
            "Жалал-Абад укуктук демилгеси",
            "Дш–Жм, 9:00–18:00",
            "кыргызча, орусча",
            "Юристтин акысыз кеңеши.",
        ),
        "uz": (
            "Jalolobod huquqiy tashabbusi",
            "Du–Ju, 9:00–18:00",
            "qirgʻizcha, ruscha",
            "Yuristning bepul maslahati.",
        ),
        "tg": (
            "Ташаббуси ҳуқуқии Ҷалолобод",
            "Дш–Ҷм, 9:00–18:00",
            "қирғизӣ, русӣ",
            "Машварати ройгони ҳуқуқшинос.",
        ),
    },
    "uz-main": {
        "ky": ("Анжиян үй-бүлөнү колдоо борбору", "Күн сайын, 8:00–22:00", "өзбекче, орусча", ""),
        "uz": (
            "Andijon oilani qoʻllab-quvvatlash markazi",
            "Har kuni, 8:00–22:00",
            "oʻzbekcha, ruscha",
            "",
        ),
        "tg": ("Маркази дастгирии оилаи Андиҷон", "Ҳар рӯз, 8:00–22:00", "ӯзбекӣ, русӣ", ""),
    },
    "tj-main": {
        "ky": (
            "Кожент аялдар үчүн кризистик борбору",
            "Күнү-түнү",
            "тажикче, орусча, өзбекче",
            "Кааласаңыз, аял кеңешчи.",
        ),
        "uz": (
            "Xoʻjand ayollar inqiroz markazi",
            "Kecha-kunduz",
            "tojikcha, ruscha, oʻzbekcha",
            "Xohlasangiz, ayol maslahatchi.",
        ),
        "tg": (
            "Маркази бӯҳронии занони Хуҷанд",
            "Шабонарӯзӣ",
            "тоҷикӣ, русӣ, ӯзбекӣ",
            "Агар хоҳед, машваратчии зан.",
        ),
    },
}

# Description of the campaign's illustration ("valley").
CAMPAIGN_IMAGE_ALT = {
    "ky": "Сүрөт: таң атканда дарыясы бар өрөөндүн үстүндөгү тоо кыркалары",
    "uz": "Rasm: tong paytida daryoli vodiy ustidagi togʻ tizmalari",
    "tg": "Расм: қаторкӯҳҳо дар болои водии дарёдор ҳангоми субҳидам",
}

CAMPAIGN = {
    "ky": {
        "title": "«Кетээрден мурун бил»",
        "intro": "Чет өлкөгө жумушка кетүүнү пландагандар үчүн кампания: билет сатып алаардан "
        "мурун иш берүүчүгө берилүүчү беш суроо.",
        "target_regions": "Ош, Жалал-Абад жана Баткен облустары; Анжиян, Фергана жана Наманган "
        "облустары; Согди облусу",
        "body": [
            (
                "p",
                "Жалдоочулар шашылыштыкты пайдаланышат: билет сатылып алынган, орун «эртеңге "
                "чейин гана кармалат». Кампания адамдын кетээрден мурун суроого жана жооп алууга "
                "укугу бар экенин эскертет.",
            ),
            ("h2", "Беш суроо"),
            (
                "p",
                "Компания кандай аталат жана кайда жайгашкан? Иштөөгө уруксатты ким жана качан "
                "тариздейт? Мен канча алам жана акчамды эмне үчүн кармап калышы мүмкүн? Мен кайда "
                "жашайм? Менин паспортум кимде болот?",
            ),
        ],
    },
    "uz": {
        "title": "«Ketishdan oldin bilib ol»",
        "intro": "Chet elga ishga ketmoqchi boʻlganlar uchun kampaniya: chipta sotib olishdan "
        "oldin ish beruvchiga beriladigan beshta savol.",
        "target_regions": "Oʻsh, Jalolobod va Botken viloyatlari; Andijon, Fargʻona va Namangan "
        "viloyatlari; Sugʻd viloyati",
        "body": [
            (
                "p",
                "Yollovchilar shoshqaloqlikdan foydalanadi: chipta allaqachon olingan, joy «faqat "
                "ertagacha saqlanadi». Kampaniya insonning ketishdan oldin soʻrash va javob olish "
                "huquqi borligini eslatadi.",
            ),
            ("h2", "Beshta savol"),
            (
                "p",
                "Kompaniya qanday nomlanadi va qayerda joylashgan? Ishlash uchun ruxsatnomani kim "
                "va qachon rasmiylashtiradi? Men qancha maosh olaman va pulimdan nima uchun ushlab "
                "qolishlari mumkin? Men qayerda yashayman? Pasportim kimda boʻladi?",
            ),
        ],
    },
    "tg": {
        "title": "«Пеш аз рафтан бидон»",
        "intro": "Маърака барои онҳое, ки ба кори хориҷа рафтанӣ ҳастанд: панҷ саволе, ки бояд "
        "пеш аз харидани чипта ба корфармо дод.",
        "target_regions": "вилоятҳои Ош, Ҷалолобод ва Боткен; вилоятҳои Андиҷон, Фарғона ва "
        "Намангон; вилояти Суғд",
        "body": [
            (
                "p",
                "Ҷалбкунандагон аз шитобкорӣ истифода мебаранд: чипта аллакай харида шудааст, ҷой "
                "«танҳо то фардо нигоҳ дошта мешавад». Маърака хотиррасон мекунад, ки одам ҳақ "
                "дорад пеш аз рафтан пурсад ва ҷавоб гирад.",
            ),
            ("h2", "Панҷ савол"),
            (
                "p",
                "Ширкат чӣ ном дорад ва дар куҷо ҷойгир аст? Иҷозати корро кӣ ва кай ба расмият "
                "медарорад? Ман чӣ қадар музд мегирам ва барои чӣ аз пули ман нигоҳ дошта "
                "метавонанд? Ман дар куҷо зиндагӣ мекунам? Шиносномаи ман дар дасти кӣ мешавад?",
            ),
        ],
    },
}
