"""Random card holders: names, addresses, sexes. Made-up combinations of common
words; no real person's data."""

SURNAMES = [
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
    "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水",
    "山崎", "森", "池田", "橋本", "阿部", "石川", "山下", "中島", "石井", "小川",
    "長谷川", "五十嵐", "東海林", "勅使河原",
]
GIVEN_MALE = [
    "太郎", "一郎", "健", "翔", "大輔", "拓也", "直樹", "誠", "悠真", "蓮",
    "陽翔", "湊", "浩二", "正雄", "清", "勇", "博之", "和也", "隆", "修",
]
GIVEN_FEMALE = [
    "花子", "陽子", "恵子", "美咲", "さくら", "葵", "結衣", "陽菜", "芽依", "凛",
    "幸子", "和子", "洋子", "真由美", "由美子", "智子", "久美子", "千尋", "莉子", "ひなた",
]
# (prefecture, city or ward)
PLACES = [
    ("東京都", "千代田区"), ("東京都", "世田谷区"), ("東京都", "八王子市"),
    ("神奈川県", "横浜市港北区"), ("神奈川県", "川崎市中原区"), ("大阪府", "大阪市北区"),
    ("大阪府", "堺市堺区"), ("愛知県", "名古屋市中区"), ("北海道", "札幌市中央区"),
    ("福岡県", "福岡市博多区"), ("京都府", "京都市左京区"), ("兵庫県", "神戸市中央区"),
    ("宮城県", "仙台市青葉区"), ("広島県", "広島市中区"), ("沖縄県", "那覇市"),
    ("長野県", "松本市"), ("鹿児島県", "霧島市"), ("和歌山県", "和歌山市"),
]
TOWNS = [
    "本町", "栄町", "緑町", "中央", "桜台", "旭町", "東町", "西新町", "若葉",
    "南丘", "富士見", "大手町", "霞が関", "宮前", "松が丘", "青葉台",
]
BUILDINGS = [
    "コーポ", "ハイツ", "メゾン", "グランドパレス", "サンシャイン", "レジデンス",
    "パークハウス", "ヴィラ",
]
SUFFIXES = ["", "荘", "第二", "ＥＡＳＴ"]


def draw_person(rng):
    sex = rng.choice(["男", "女"])
    given = rng.choice(GIVEN_MALE if sex == "男" else GIVEN_FEMALE)
    name = f"{rng.choice(SURNAMES)}　{given}"
    pref, city = rng.choice(PLACES)
    town = rng.choice(TOWNS)
    line1 = f"{pref}{city}{town}"
    block = f"{rng.randint(1, 9)}丁目{rng.randint(1, 30)}番{rng.randint(1, 25)}号"
    if rng.random() < 0.5:
        line2 = f"{block}　{rng.choice(BUILDINGS)}{town}{rng.choice(SUFFIXES)}{rng.randint(1, 12)}{rng.randint(1, 9):02d}号室"
    else:
        line2 = block
    return {"name": name, "sex": sex, "address": [line1, line2]}
