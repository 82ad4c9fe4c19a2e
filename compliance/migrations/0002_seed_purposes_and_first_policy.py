"""The four consent purposes and the first privacy policy version, in the six launch languages.

The texts are frozen here on purpose: a policy version is what people agreed to, so a later wording is a new
PolicyVersion row, never an edit of this one.
"""

import datetime

from django.db import migrations

LANGUAGES = ("en", "es", "fr", "de", "ja", "pt_br")

PURPOSES = {
    "necessary": {
        "position": 0,
        "name": {
            "en": "Necessary",
            "es": "Necesarias",
            "fr": "Nécessaires",
            "de": "Notwendig",
            "ja": "必須",
            "pt_br": "Necessários",
        },
        "description": {
            "en": "Keeps the site working and secure: your session, sign-in, security tokens, your language and your privacy choices. Always on.",
            "es": "Mantienen el sitio en funcionamiento y seguro: tu sesión, el inicio de sesión, los tokens de seguridad, tu idioma y tus opciones de privacidad. Siempre activas.",
            "fr": "Assurent le fonctionnement et la sécurité du site : votre session, la connexion, les jetons de sécurité, votre langue et vos choix de confidentialité. Toujours actifs.",
            "de": "Halten die Website funktionsfähig und sicher: Ihre Sitzung, die Anmeldung, Sicherheitstoken, Ihre Sprache und Ihre Datenschutzeinstellungen. Immer aktiv.",
            "ja": "サイトの動作と安全を保つためのものです。セッション、ログイン、セキュリティトークン、言語設定、プライバシーの選択を保存します。常に有効です。",
            "pt_br": "Mantêm o site funcionando e seguro: sua sessão, o login, os tokens de segurança, seu idioma e suas escolhas de privacidade. Sempre ativos.",
        },
    },
    "analytics": {
        "position": 10,
        "name": {
            "en": "Analytics",
            "es": "Analítica",
            "fr": "Mesure d’audience",
            "de": "Analyse",
            "ja": "分析",
            "pt_br": "Análise",
        },
        "description": {
            "en": "Counts visits and how pages are used, with a pseudonymous id, so we can improve the shop. No advertising.",
            "es": "Cuenta las visitas y cómo se usan las páginas, con un identificador seudónimo, para mejorar la tienda. Sin publicidad.",
            "fr": "Compte les visites et l’usage des pages, avec un identifiant pseudonyme, pour améliorer la boutique. Aucune publicité.",
            "de": "Zählt Besuche und die Nutzung der Seiten mit einer pseudonymen Kennung, damit wir den Shop verbessern können. Keine Werbung.",
            "ja": "仮名IDを使って訪問数やページの利用状況を計測し、ショップの改善に役立てます。広告には使いません。",
            "pt_br": "Conta as visitas e como as páginas são usadas, com um identificador pseudônimo, para melhorarmos a loja. Sem publicidade.",
        },
    },
    "marketing": {
        "position": 20,
        "name": {
            "en": "Marketing",
            "es": "Marketing",
            "fr": "Marketing",
            "de": "Marketing",
            "ja": "マーケティング",
            "pt_br": "Marketing",
        },
        "description": {
            "en": "Measures and tailors our advertising with partners, and may share a pseudonymous id with them. Some laws call this a “sale or sharing” of personal data.",
            "es": "Mide y adapta nuestra publicidad con socios, y puede compartir con ellos un identificador seudónimo. Algunas leyes lo consideran una «venta o cesión» de datos personales.",
            "fr": "Mesure et adapte notre publicité avec des partenaires, et peut leur transmettre un identifiant pseudonyme. Certaines lois y voient une « vente ou un partage » de données personnelles.",
            "de": "Misst und gestaltet unsere Werbung mit Partnern und kann ihnen eine pseudonyme Kennung übermitteln. Manche Gesetze werten das als „Verkauf oder Weitergabe“ personenbezogener Daten.",
            "ja": "提携先と広告の効果を測定・最適化し、仮名IDを提携先と共有することがあります。一部の法律では個人情報の「販売または共有」にあたります。",
            "pt_br": "Mede e adapta nossa publicidade com parceiros e pode compartilhar com eles um identificador pseudônimo. Algumas leis consideram isso uma “venda ou compartilhamento” de dados pessoais.",
        },
    },
    "personalisation": {
        "position": 30,
        "name": {
            "en": "Personalisation",
            "es": "Personalización",
            "fr": "Personnalisation",
            "de": "Personalisierung",
            "ja": "パーソナライズ",
            "pt_br": "Personalização",
        },
        "description": {
            "en": "Remembers what you looked at to suggest gifts and artists you may like.",
            "es": "Recuerda lo que has visto para sugerirte regalos y artistas que te puedan gustar.",
            "fr": "Se souvient de ce que vous avez consulté pour vous suggérer des cadeaux et des artistes susceptibles de vous plaire.",
            "de": "Merkt sich, was Sie angesehen haben, um Ihnen passende Geschenke und Kunstschaffende vorzuschlagen.",
            "ja": "閲覧した内容を記憶し、お好みに合いそうなギフトやアーティストをおすすめします。",
            "pt_br": "Lembra o que você viu para sugerir presentes e artistas de que você possa gostar.",
        },
    },
}

FIRST_POLICY_VERSION = "2026-11"
FIRST_POLICY_EFFECTIVE_ON = datetime.date(2026, 11, 1)
FIRST_POLICY_TEXT = {
    "en": """LaGiftArt collects only what it needs to deliver a gift and to run the service.

What we collect: your account (email address, name, language and currency preferences); your orders (the recipient's name and delivery address, your gift message and what you paid); artists' applications (name, contact details, portfolio and statement).

Why: to deliver the gifts you send, to keep accounts secure and to meet our tax and accounting duties. Only if you choose it, to measure and improve the shop, to tailor suggestions and to measure our advertising.

Who receives it: the artist who makes your gift and the carrier who delivers it see what they need to ship it. The site and its data are hosted in Google Cloud.

How long: orders are kept for the tax period set by the law of the country they ship from, with your personal details removed if you ask for erasure. Everything else is deleted when you ask us to erase it.

Your rights: wherever you live, you may ask for a copy of your data, its correction or its erasure, restrict or object to its use, and opt out of any sale or sharing. We answer within the time your law sets.""",
    "es": """LaGiftArt recoge solo lo que necesita para entregar un regalo y para prestar el servicio.

Qué recogemos: tu cuenta (correo electrónico, nombre, preferencias de idioma y moneda); tus pedidos (el nombre y la dirección de entrega del destinatario, tu mensaje de regalo y lo que pagaste); las solicitudes de los artistas (nombre, datos de contacto, portafolio y presentación).

Para qué: para entregar los regalos que envías, mantener seguras las cuentas y cumplir nuestras obligaciones fiscales y contables. Solo si tú lo eliges, para medir y mejorar la tienda, adaptar las sugerencias y medir nuestra publicidad.

Quién los recibe: el artista que hace tu regalo y el transportista que lo entrega ven lo que necesitan para enviarlo. El sitio y sus datos se alojan en Google Cloud.

Cuánto tiempo: los pedidos se conservan durante el plazo fiscal que fija la ley del país desde el que se envían, sin tus datos personales si pides la supresión. Todo lo demás se borra cuando nos pides que lo borremos.

Tus derechos: vivas donde vivas, puedes pedir una copia de tus datos, su rectificación o su supresión, limitar su uso u oponerte a él, y excluirte de cualquier venta o cesión. Respondemos en el plazo que fija tu ley.""",
    "fr": """LaGiftArt ne collecte que ce dont elle a besoin pour livrer un cadeau et faire fonctionner le service.

Ce que nous collectons : votre compte (adresse e-mail, nom, préférences de langue et de devise) ; vos commandes (le nom et l’adresse de livraison du destinataire, votre message et ce que vous avez payé) ; les candidatures des artistes (nom, coordonnées, portfolio et présentation).

Pourquoi : pour livrer les cadeaux que vous envoyez, protéger les comptes et respecter nos obligations fiscales et comptables. Seulement si vous le choisissez, pour mesurer et améliorer la boutique, adapter nos suggestions et mesurer notre publicité.

Qui les reçoit : l’artiste qui réalise votre cadeau et le transporteur qui le livre voient ce dont ils ont besoin pour l’expédier. Le site et ses données sont hébergés chez Google Cloud.

Combien de temps : les commandes sont conservées pendant la durée fiscale fixée par la loi du pays d’expédition, sans vos données personnelles si vous demandez l’effacement. Tout le reste est supprimé lorsque vous nous demandez de l’effacer.

Vos droits : où que vous viviez, vous pouvez demander une copie de vos données, leur rectification ou leur effacement, limiter leur utilisation ou vous y opposer, et refuser toute vente ou tout partage. Nous répondons dans le délai fixé par votre loi.""",
    "de": """LaGiftArt erhebt nur, was nötig ist, um ein Geschenk zu liefern und den Dienst zu betreiben.

Was wir erheben: Ihr Konto (E-Mail-Adresse, Name, Sprach- und Währungseinstellungen); Ihre Bestellungen (Name und Lieferadresse der beschenkten Person, Ihre Geschenknachricht und was Sie bezahlt haben); Bewerbungen von Kunstschaffenden (Name, Kontaktdaten, Portfolio und Vorstellung).

Wozu: um die Geschenke zu liefern, die Sie senden, Konten zu schützen und unsere steuerlichen und buchhalterischen Pflichten zu erfüllen. Nur wenn Sie es wählen: um den Shop zu messen und zu verbessern, Vorschläge anzupassen und unsere Werbung zu messen.

Wer sie erhält: Die Kunstschaffenden, die Ihr Geschenk fertigen, und das Versandunternehmen sehen, was sie für den Versand brauchen. Die Website und ihre Daten liegen in Google Cloud.

Wie lange: Bestellungen werden für die steuerliche Frist aufbewahrt, die das Recht des Versandlandes vorgibt; auf Ihren Löschantrag hin ohne Ihre personenbezogenen Angaben. Alles andere wird gelöscht, wenn Sie uns darum bitten.

Ihre Rechte: Wo immer Sie leben, können Sie eine Kopie Ihrer Daten, ihre Berichtigung oder Löschung verlangen, ihre Verarbeitung einschränken lassen oder ihr widersprechen und jedem Verkauf und jeder Weitergabe widersprechen. Wir antworten innerhalb der Frist, die Ihr Recht vorgibt.""",
    "ja": """LaGiftArt は、ギフトをお届けし、サービスを運営するために必要な情報だけを取得します。

取得する情報：アカウント（メールアドレス、氏名、言語と通貨の設定）、ご注文（受取人の氏名と配送先住所、ギフトメッセージ、お支払い金額）、アーティストの応募内容（氏名、連絡先、作品集と紹介文）。

利用目的：お送りいただくギフトのお届け、アカウントの保護、税務・会計上の義務の履行のため。お客様が選んだ場合に限り、ショップの計測と改善、おすすめの最適化、広告効果の測定のため。

提供先：ギフトを制作するアーティストと配送業者は、発送に必要な情報だけを確認します。サイトとデータは Google Cloud に保管されます。

保存期間：ご注文は発送元の国の法律が定める税務上の期間保存し、削除をご依頼いただいた場合は個人情報を取り除きます。それ以外の情報は、削除のご依頼があれば削除します。

お客様の権利：お住まいの地域にかかわらず、データの写しの請求、訂正・削除、利用の制限や利用への異議、販売・共有の停止を求めることができます。お住まいの地域の法律が定める期間内にお答えします。""",
    "pt_br": """A LaGiftArt coleta apenas o que precisa para entregar um presente e operar o serviço.

O que coletamos: sua conta (e-mail, nome, preferências de idioma e moeda); seus pedidos (o nome e o endereço de entrega do destinatário, sua mensagem de presente e o valor pago); as candidaturas dos artistas (nome, contato, portfólio e apresentação).

Para quê: para entregar os presentes que você envia, proteger as contas e cumprir nossas obrigações fiscais e contábeis. Somente se você escolher, para medir e melhorar a loja, adaptar sugestões e medir nossa publicidade.

Quem recebe: o artista que faz seu presente e a transportadora que o entrega veem o que precisam para enviá-lo. O site e seus dados ficam hospedados no Google Cloud.

Por quanto tempo: os pedidos são guardados pelo prazo fiscal definido pela lei do país de onde são enviados, sem seus dados pessoais se você pedir a eliminação. Todo o resto é apagado quando você nos pede para apagar.

Seus direitos: onde quer que você more, você pode pedir uma cópia dos seus dados, sua correção ou eliminação, limitar ou se opor ao seu uso e recusar qualquer venda ou compartilhamento. Respondemos no prazo que a sua lei define.""",
}


def seed(apps, schema_editor):
    ConsentPurpose = apps.get_model("compliance", "ConsentPurpose")
    PolicyVersion = apps.get_model("compliance", "PolicyVersion")
    for code, spec in PURPOSES.items():
        fields = {"position": spec["position"], "name": spec["name"]["en"], "description": spec["description"]["en"]}
        for language in LANGUAGES:
            fields[f"name_{language}"] = spec["name"][language]
            fields[f"description_{language}"] = spec["description"][language]
        ConsentPurpose.objects.update_or_create(code=code, defaults=fields)
    text = {f"text_{language}": FIRST_POLICY_TEXT[language] for language in LANGUAGES}
    PolicyVersion.objects.get_or_create(
        version=FIRST_POLICY_VERSION,
        defaults={"effective_on": FIRST_POLICY_EFFECTIVE_ON, "text": FIRST_POLICY_TEXT["en"], **text},
    )


def unseed(apps, schema_editor):
    apps.get_model("compliance", "ConsentPurpose").objects.filter(code__in=PURPOSES).delete()
    apps.get_model("compliance", "PolicyVersion").objects.filter(version=FIRST_POLICY_VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
