"""Two small curated word lists of the matching engine, written by hand (decision 0022).

* :data:`GENERAL_WORDS`: words so general in research and enterprise writing (材料, 方法, 优化,
  提高, 高, 系统 …) that sharing one says nothing about whether a document answers a need.  They
  still take part in BM25 (their low IDF already weighs them little) but they never count as a
  matched term on their own: not in explanations, not in a need's "has a good match" evidence,
  not in the second stage's concept coverage.  Single characters never count either
  (:func:`is_meaningful_term`).
* :data:`PLAIN_SPEECH`: how enterprises say a problem in plain words, and the technical terms a
  paper or patent would use for it ("生锈" → 腐蚀/防腐, "漏水" → 密封/渗漏).  Queries only: a
  phrase found in the normalised need adds its terms to the query at a reduced weight.  Written
  from our own judgement of common shop-floor complaints, never from the evaluation files.

No Django imports here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _words(*lines: str) -> frozenset[str]:
    return frozenset(w for line in lines for w in line.split())


GENERAL_WORDS: frozenset[str] = _words(
    # qualities and directions of change
    "高 低 大 小 多 少 快 慢 好 差 新 强 弱 长 短 难 易 优 佳 良 精",
    "提高 提升 降低 减少 增加 增强 改善 改进 改良 优化 完善 加强 促进 实现 保证 确保 满足",
    "较高 较低 更高 更好 良好 优良 优异 显著 明显 有效 高效 快速 稳定 可靠 简单 方便",
    # what every paper and patent is about
    "材料 方法 技术 工艺 系统 装置 设备 方案 结构 过程 流程 性能 质量 效果 效率 影响",
    "研究 分析 设计 开发 研制 制备 制造 生产 加工 应用 使用 处理 控制 管理 检测 测试 试验",
    "实验 模型 理论 机制 机理 因素 特性 特征 参数 指标 数据 信息 条件 环境 领域 行业",
    "产品 部件 零件 组件 单元 模块 平台 基础 体系 模式 策略 措施 手段 途径 方式 形式",
    "问题 难题 需求 要求 目标 作用 功能 能力 水平 程度 情况 现状 趋势 发展 创新 改造",
    "一种 新型 用于 基于 及其 以及 相关 主要 重要 关键 核心 整体 部分 综合 合理 科学",
    "企业 公司 工厂 客户 用户 市场 成本 价格 经济 效益 项目 合作 专家 团队 人员",
    "解决 寻找 需要 希望 提供 采用 利用 通过 进行 开展 建立 形成 获得 具有",
    "方面 过程中 以上 以下 左右 目前 现在 现有 传统 常规 普通 一般 整个 全面",
    "高温 常温 温度 时间 速度 规模 数量 范围 尺寸 含量 浓度 比例 成分",
)

# Fillers of spoken Chinese that name nothing technical: dropped from queries (like the
# enterprise boilerplate).  Papers and patents almost never use them, so their IDF is high and,
# left in, they make a plain-spoken need match whatever odd document happens to hold them.
PLAIN_FILLER: frozenset[str] = _words(
    "懂 看看 看一看 瞧瞧 改改 改一改 弄 弄弄 搞 搞搞 搞清楚 搞不清 搞不明白 弄不明白 想办法 办法 法子",
    "一下 一点 一点儿 好多 好些 很多 许多 多少 厉害 特别 老是 总是 经常 动不动 一直 老 挺 蛮",
    "怕 麻烦 方便 花钱 省钱 便宜 贵 又贵 太贵 东西 玩意 玩意儿 啥 咋 到底 究竟 根本 其实 反正",
    "可是 不过 而且 还有 然后 起来 下去 出来 进去 过来 不了 不行 不好 不够 有点 有些 能不能",
    "帮忙 帮着 帮我们 给我们 教 教教 教我们 靠谱 没数 心里没数 没底 手把手 师傅 老师傅 老师",
    "人家 大家 咱们 你们 这块 那块 一块 一起 一道 顺便 稍微 样子 时候 平时 里头 外头 想要",
    "好的 差不多 一样 不一样 没法 没办法 老板 工人 车间 厂里 家里 弄出来 搞出来 干活",
    # added with the training needs of decision 0029 (words of our own plain needs, not of any evaluation file)
    "听说 知道 试试 试一试 测一测 讲讲 学学 家伙 可惜 费事 难事 好用 专门 用来 乱七八糟 告诉 你 谁",
)

# Plain phrase → technical terms.  Keys are matched as substrings of the normalised need text
# (simplified, lower-case), longest first; one key's terms are added once however often it occurs.
PLAIN_SPEECH: dict[str, tuple[str, ...]] = {
    # batteries and power
    "掉电快": ("续航", "能量密度", "容量衰减"),
    "掉电": ("续航", "容量衰减"),
    "不耐用": ("寿命", "耐久性"),
    "用不久": ("寿命", "耐久性"),
    "寿命短": ("寿命", "老化"),
    "容量掉": ("容量衰减", "循环寿命"),
    "充电慢": ("快充", "倍率性能"),
    "充不进": ("充电", "容量"),
    "耗电": ("能耗", "功耗", "节能"),
    "费电": ("能耗", "节能"),
    "电费": ("能耗", "节能"),
    "费油": ("油耗", "节能"),
    "冬天": ("低温",),
    "怕冷": ("低温", "耐寒"),
    "怕热": ("耐高温", "耐热"),
    # metals, surfaces, joints
    "生锈": ("腐蚀", "防腐", "耐蚀"),
    "锈蚀": ("腐蚀", "防腐"),
    "烂掉": ("腐蚀", "降解"),
    "掉漆": ("涂层", "附着力", "防腐"),
    "起皮": ("涂层", "剥落", "附着力"),
    "脱落": ("剥落", "附着力"),
    "粘不牢": ("粘接", "附着力", "结合强度"),
    "粘不住": ("粘接", "附着力"),
    "焊不牢": ("焊接", "焊缝", "接头"),
    "焊缝": ("焊接",),
    "磨得快": ("磨损", "耐磨"),
    "磨损快": ("磨损", "耐磨性"),
    "不耐磨": ("磨损", "耐磨性"),
    "开裂": ("裂纹", "断裂"),
    "裂开": ("裂纹", "断裂"),
    "裂缝": ("裂纹", "开裂"),
    "容易断": ("断裂", "韧性", "强度"),
    "一碰就碎": ("脆性", "韧性"),
    "太脆": ("脆性", "韧性"),
    "不够硬": ("硬度", "强度"),
    "太软": ("硬度", "强度"),
    "变形": ("形变", "翘曲"),
    "翘起来": ("翘曲", "变形"),
    "太重": ("轻量化", "减重"),
    "减重": ("轻量化",),
    "缩水": ("收缩", "尺寸稳定性"),
    "起泡": ("气泡", "鼓泡"),
    "有气泡": ("气孔", "气泡"),
    "沙眼": ("气孔", "缺陷"),
    # fluids, seals, heat
    "漏水": ("密封", "渗漏", "防水"),
    "渗水": ("渗漏", "防渗", "防水"),
    "漏油": ("密封", "泄漏"),
    "漏气": ("密封", "泄漏", "气密性"),
    "漏液": ("密封", "泄漏"),
    "堵": ("堵塞",),
    "发烫": ("散热", "温升", "热管理"),
    "发热": ("散热", "温升"),
    "太热": ("散热", "温升"),
    "散不出去": ("散热",),
    "保温": ("隔热", "保温"),
    "冷得慢": ("冷却", "换热"),
    # noise and motion
    "噪音": ("噪声", "降噪"),
    "声音大": ("噪声", "降噪"),
    "太吵": ("噪声", "降噪"),
    "抖": ("振动", "减振"),
    "晃": ("振动", "稳定性"),
    "震动": ("振动", "减振"),
    "跑偏": ("纠偏",),
    "转不稳": ("转速", "稳定性"),
    # measuring, seeing, automating
    "测不准": ("测量", "精度", "误差"),
    "称不准": ("称重", "计量", "精度"),
    "量不准": ("测量", "精度", "误差"),
    "算不准": ("预测", "估计", "误差"),
    "看不清": ("图像", "成像", "清晰度"),
    "靠人看": ("机器视觉", "自动检测", "识别"),
    "人眼看": ("机器视觉", "视觉检测"),
    "肉眼": ("视觉检测", "图像识别"),
    "人工挑": ("分拣", "识别", "自动化"),
    "招不到人": ("自动化", "机器人"),
    "分不清": ("识别", "鉴定", "分类"),
    "弄混": ("鉴定", "分类", "识别"),
    "坏了才知道": ("故障诊断", "预警", "监测"),
    "出故障": ("故障诊断", "可靠性"),
    "老出毛病": ("故障", "可靠性"),
    "停机": ("故障", "可靠性"),
    "卡住": ("卡滞", "故障"),
    "信号差": ("信号", "干扰", "通信"),
    "断网": ("通信", "网络"),
    "串货": ("追溯", "溯源"),
    "查不到来源": ("溯源", "追溯"),
    # chemistry and process
    "得率低": ("得率", "提取率", "收率"),
    "出得少": ("得率", "产率"),
    "纯度不高": ("纯化", "提纯", "分离"),
    "提纯": ("纯化", "分离"),
    "溶不掉": ("溶解", "溶出"),
    "化不开": ("溶解", "分散"),
    "结块": ("团聚", "结块", "分散"),
    "沉底": ("沉降", "分散稳定性"),
    "分层": ("分层", "稳定性", "乳化"),
    "发黄": ("变色", "黄变", "老化"),
    "变色": ("变色", "老化"),
    "褪色": ("色牢度", "褪色"),
    "掉色": ("色牢度",),
    "起球": ("起球", "耐磨"),
    "有味": ("异味", "挥发性有机物", "voc"),
    "味道大": ("异味", "挥发性有机物", "voc"),
    "臭": ("恶臭", "异味", "除臭"),
    "冒烟": ("烟气", "排放", "废气"),
    "废气": ("尾气", "排放", "净化"),
    "脏水": ("废水", "污水处理"),
    "污水": ("废水", "污水处理"),
    "废渣": ("废渣", "固废", "资源化"),
    "下脚料": ("副产物", "综合利用", "资源化"),
    "边角料": ("废料", "回收利用"),
    "剩下的渣": ("废渣", "综合利用"),
    "扔掉可惜": ("综合利用", "资源化"),
    "回收": ("回收利用", "资源化"),
    # food and farming
    "放不住": ("保鲜", "贮藏", "货架期"),
    "容易坏": ("保鲜", "腐败", "贮藏"),
    "烂得快": ("保鲜", "腐烂", "贮藏"),
    "发霉": ("霉变", "防霉"),
    "长虫": ("虫害", "害虫", "防治"),
    "虫子": ("虫害", "害虫"),
    "生病": ("病害", "防治"),
    "得病": ("病害", "疫病", "防治"),
    "死得多": ("死亡率", "成活率"),
    "活不了": ("成活率", "存活"),
    "长得慢": ("生长", "生长速度"),
    "收成": ("产量", "增产"),
    "产量低": ("产量", "增产"),
    "口感": ("品质", "风味", "口感"),
    "不好吃": ("风味", "品质"),
    "土不行": ("土壤", "土壤改良", "肥力"),
    "地力": ("土壤肥力", "土壤"),
    "盐碱地": ("盐碱", "土壤改良"),
    "打药": ("农药", "施药", "植保"),
    "化肥": ("施肥", "肥料"),
    "种子": ("种子", "育种"),
    "苗": ("育苗", "苗木"),
    "喂": ("饲料", "饲喂"),
    "猪": ("生猪", "养猪"),
    "鸡": ("家禽", "养鸡"),
    "鱼": ("水产", "养殖"),
    "水不好": ("水质",),
    # buildings and civil works
    "房子": ("建筑",),
    "墙": ("墙体",),
    "地基": ("地基", "地基处理"),
    "塌": ("坍塌", "沉降", "稳定性"),
    "下沉": ("沉降",),
    "路面": ("路面", "沥青"),
    # software and data
    "手机": ("移动终端", "app"),
    "排产": ("生产调度", "排程"),
    "排班": ("调度", "排程"),
    "库存": ("库存管理", "仓储"),
    "算账": ("核算", "成本核算"),
    "预测不准": ("预测", "预测模型"),
    "看病": ("诊断", "医疗"),
    # added with the training needs of decision 0029: written from our own plain needs about
    # other documents of the pool (src/techmayor/matching/training), never from an evaluation file
    "砸碎": ("破碎", "粉碎"),
    "敲碎": ("破碎",),
    "打碎": ("破碎", "粉碎"),
    "洒水": ("喷淋", "喷洒"),
    "浇水": ("灌溉", "喷淋"),
    "降温": ("冷却", "散热"),
    "冷得不匀": ("冷却", "均匀性"),
    "太阳能板": ("光伏组件", "光伏"),
    "电池板": ("光伏组件", "光伏"),
    "拆得快": ("拆装", "快拆"),
    "装得快": ("拆装", "安装"),
    "数据乱": ("数据清洗", "数据质量"),
    "收拾干净": ("清洗", "清理"),
    "乱查": ("访问控制", "权限"),
    "偷看": ("访问控制", "隐私保护"),
    "吊车": ("起重", "吊装"),
    "吊上吊下": ("起重", "吊装"),
    "压紧": ("夹紧", "压紧"),
    "压不住": ("夹紧", "定位"),
    "红绿灯": ("信号灯", "交通信号"),
    "红灯": ("交通信号", "信号控制"),
    "路口": ("交叉口", "交通信号"),
    "救护车": ("应急车辆",),
    "消防车": ("应急车辆", "消防"),
    "刮风": ("风速", "风荷载"),
    "大风": ("风速", "风荷载"),
    "下雨": ("降水", "降雨"),
    "天气": ("气象", "气候"),
    "去氮": ("脱氮", "除氮"),
    "除硫": ("脱硫",),
    "细菌": ("微生物", "菌株"),
    "多久坏": ("可靠性", "故障率"),
    "用多久": ("寿命", "可靠性"),
    "压视频": ("视频编码", "视频压缩"),
    "画面": ("图像", "图像质量"),
    "出苗": ("出苗率", "萌发"),
    "发芽": ("萌发", "发芽率"),
    "草籽": ("种子", "萌发"),
    "重茬": ("连作", "连作障碍"),
    "认不出": ("识别", "鉴定"),
    "拍照片": ("图像识别", "图像"),
    "拍张照片": ("图像识别", "图像"),
    "耐烧": ("耐高温", "抗氧化"),
    "变回原来": ("形状记忆",),
    "转到多快": ("临界转速", "转速"),
    "电脑上模拟": ("仿真", "数值模拟"),
    "电脑模拟": ("仿真", "数值模拟"),
    "电脑算": ("数值计算", "仿真"),
    "做成粉": ("粉末", "喷雾干燥"),
    "包起来": ("包埋", "微胶囊"),
    "味道就没了": ("风味", "香气", "缓释"),
    "瘦肉精": ("克伦特罗", "β-激动剂"),
    "吹瓶子": ("吹塑",),
    "有劲": ("强度", "韧性"),
    "泥坯": ("坯体", "成型"),
    "压线": ("压痕",),
    "折线": ("压痕",),
    "化验": ("理化检验", "实验室检测"),
    "水干不干净": ("水质", "水质监测"),
    "撞上": ("碰撞", "缓冲", "吸能"),
    "卸掉劲": ("缓冲", "吸能"),
    "坐标": ("定位", "位置"),
    "板簧": ("钢板弹簧", "弹簧"),
    "大梁": ("纵梁", "车架"),
    "铜管": ("配管", "钎焊"),
    "冲剂": ("颗粒剂",),
    "一冲就能喝": ("颗粒剂", "冲剂"),
    "紫斑": ("紫癜",),
    "网页": ("页面", "前端"),
    "毛病": ("故障", "调试"),
    "重现不了": ("复现", "调试"),
    "省地方": ("存储空间", "压缩"),
    "硬盘": ("存储",),
    "分电": ("功率分配", "能量管理"),
    "风电": ("可再生能源", "风力发电"),
    "氢气": ("制氢", "氢能"),
    "水垢": ("结垢", "阻垢"),
    "长海生物": ("生物污损",),
    "钢架子": ("钢结构",),
    "残矿": ("残留矿体", "回采"),
    "剩下的矿": ("残留矿体", "回采"),
}

_PLAIN_KEYS = sorted(PLAIN_SPEECH, key=len, reverse=True)
_PLAIN_RE = re.compile("|".join(re.escape(k) for k in _PLAIN_KEYS))


def is_meaningful_term(term: str) -> bool:
    """True when ``term`` may count as a matched term on its own: two characters or more (a unit
    symbol such as ℃ or a single letter is not a term) and not one of :data:`GENERAL_WORDS`."""
    return len(term) >= 2 and term not in GENERAL_WORDS


def meaningful(terms: Iterable[str]) -> list[str]:
    """The terms of ``terms`` that are meaningful on their own, in order."""
    return [t for t in terms if is_meaningful_term(t)]


def plain_speech_terms(normalized_text: str) -> dict[str, tuple[str, ...]]:
    """``{phrase: technical terms}`` for the plain phrases found in ``normalized_text`` (longest
    first, non-overlapping, each phrase once)."""
    found: dict[str, tuple[str, ...]] = {}
    if not normalized_text:
        return found
    for m in _PLAIN_RE.finditer(normalized_text):
        key = m.group(0)
        if key not in found:
            found[key] = PLAIN_SPEECH[key]
    return found
